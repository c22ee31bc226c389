-- 0016: per-airline statistics (/admin/airlines) and duplicate signals (claim page, queue).

-- Each claim's status history without reading the events table: first time per status.
CREATE INDEX claim_events_history ON claim_events (claim_id, kind, to_status, at);
-- Rejection reasons are in the audit log of status changes ("rejected: <reason>"); only those
-- rows are indexed.
CREATE INDEX audit_log_rejections ON audit_log (target, after)
    WHERE action = 'claim.status' AND after LIKE 'rejected: %';
-- Duplicate and fraud signals (db/claim_signals.rs): the same flight and date, the same
-- booking reference, the same payout account.
CREATE INDEX claims_flight ON claims (flight_number, flight_date);
CREATE INDEX claims_booking_ref ON claims (booking_ref) WHERE booking_ref <> '';
CREATE INDEX claims_payout_iban ON claims (payout_iban) WHERE payout_iban <> '';
-- The overview's workload: open claims per assignee, from the index alone.
CREATE INDEX claims_assignee_status ON claims (assignee_id, status);
