-- 0014: per-airline statistics (/admin/airlines) and duplicate signals on the claim page.

-- Each claim's status history without reading the events table: first time per status.
CREATE INDEX claim_events_history ON claim_events (claim_id, kind, to_status, at);
-- Rejection reasons are in the audit log of status changes ("rejected: <reason>"); only those
-- rows are indexed.
CREATE INDEX audit_log_rejections ON audit_log (target, after)
    WHERE action = 'claim.status' AND after LIKE 'rejected: %';
