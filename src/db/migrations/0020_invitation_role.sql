-- 0020: a staff invitation names the role the invitee gets (agent or finance); earlier
-- invitations were all for agents.
ALTER TABLE staff_invitations ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'
    CHECK (role IN ('agent', 'finance'));
