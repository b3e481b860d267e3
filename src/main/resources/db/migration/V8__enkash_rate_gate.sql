-- EnKash's limits are shared by every instance on this database, so the turn of each EnKash API call is
-- handed out here (one row): next_slot_ms is the earliest time, in the database's epoch milliseconds, the next
-- call may go (the requests-per-second ceiling spaces them), paused_until_ms is when a Retry-After that any
-- instance received runs out.
create table enkash_rate_gate (
    gate_id         varchar(40) not null primary key,
    next_slot_ms    bigint      not null,
    paused_until_ms bigint      not null,
    updated_at      timestamp with time zone not null
);
insert into enkash_rate_gate (gate_id, next_slot_ms, paused_until_ms, updated_at) values ('enkash-api', 0, 0, current_timestamp);
