-- EnKash locks the partner account after 3 failed logins in a row. The bundle's own count of them
-- lives here (one row), so a restart does not forget it and every instance on this database shares it.
create table enkash_login_guard (
    guard_id     varchar(40)  not null primary key,
    failures     integer      not null,
    last_failure varchar(500),
    updated_at   timestamp with time zone not null
);
insert into enkash_login_guard (guard_id, failures, updated_at) values ('enkash-login', 0, current_timestamp);
