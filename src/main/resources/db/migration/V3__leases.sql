-- Several bundles on one database: an in-flight request is held under a lease that its owner renews
-- while it lives; only a row whose lease ran out (or whose owner restarted) may be adopted. claimed_at
-- is when the current claim was taken, just before the first send: EnKash cards made earlier are not
-- the request's own.
alter table card_request alter column owner set data type varchar(200);
alter table card_request add column lease_until timestamp with time zone;
alter table card_request add column claimed_at timestamp with time zone;
create index card_request_card on card_request (enkash_card_id);
