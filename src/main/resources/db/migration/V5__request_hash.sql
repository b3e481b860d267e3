-- The fingerprint (SHA-256) of each request's content without its requestId: the same requestId
-- with other content is refused as a conflict instead of being answered with the first one's card.
alter table card_request add column request_hash varchar(64);
