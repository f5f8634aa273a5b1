-- The replica that made a quota reservation (docs/limits.md "A reservation, like a credit hold"), NULL when it keeps
-- no lease (credit slices off) or for reservations of older versions. Once that replica's lease in `replicas` has
-- lapsed (kill -9, a host gone), any replica's sweep releases its reservations, as it does the replica's credit holds,
-- instead of leaving the quota held until the reservation TTL (credits.hold_ttl_ms, 15 minutes by default).
ALTER TABLE quota_reservations ADD COLUMN replica TEXT;
CREATE INDEX quota_reservations_replica ON quota_reservations(replica) WHERE replica IS NOT NULL;
