-- The input files the channels have taken (Camel's JDBC idempotent repository, bean takenFiles): one row
-- per file key (channel, name, size, modification time). The primary key makes one instance of several
-- on this database the only one to take a file.
create table taken_file (
    processorName varchar(255)  not null,
    messageId     varchar(1000) not null,
    createdAt     timestamp,
    primary key (processorName, messageId)
);
