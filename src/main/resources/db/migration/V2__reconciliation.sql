-- Never a second card: who holds an in-flight request (a process instance), whether an ambiguous
-- call was settled through EnKash's card search, and the candidates when a person has to decide.
alter table card_request add column owner varchar(64);
alter table card_request add column reconciled boolean default false not null;
alter table card_request add column candidates varchar(2000);
create index card_request_owner on card_request (owner);
