-- Why a batch cannot be finished (status STUCK): shown by GET /api/v1/batches/{batchId}.
alter table card_batch add column reason varchar(1000);
