-- Card requests, one row per requestId, and the batches (files, arrays, batch calls) that reported them.
create table card_request (
    request_id      varchar(200)  not null primary key,
    channel         varchar(20)   not null,
    source          varchar(500),
    status          varchar(20)   not null,
    company_id      varchar(100),
    card_account_id varchar(100),
    request_json    varchar(20000),
    enkash_card_id  varchar(100),
    masked_number   varchar(40),
    card_status     varchar(40),
    kyc_status      varchar(60),
    error           varchar(4000),
    attempts        integer       not null default 0,
    created_at      timestamp with time zone not null,
    updated_at      timestamp with time zone not null
);
create index card_request_status on card_request (status);

create table card_batch (
    batch_id     varchar(64)  not null primary key,
    channel      varchar(20)  not null,
    source       varchar(500),
    status       varchar(20)  not null,
    total        integer      not null default 0,
    created_at   timestamp with time zone not null,
    completed_at timestamp with time zone
);

create table card_batch_item (
    batch_id       varchar(64)   not null,
    seq            integer       not null,
    request_id     varchar(200)  not null,
    status         varchar(20)   not null,
    enkash_card_id varchar(100),
    masked_number  varchar(40),
    error          varchar(4000),
    replay         boolean       not null,
    recorded_at    timestamp with time zone not null,
    primary key (batch_id, seq)
);
