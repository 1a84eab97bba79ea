/**
 * The actions the audit log records (docs/api.md), as people read them. An
 * action not listed shows as it is recorded.
 */
export const AUDIT_ACTIONS: Record<string, string> = {
  'service.create': 'Database ordered',
  'service.update': 'Database changed',
  'service.scale': 'Database scaled',
  'service.delete': 'Database deleted',
  'service.restore': 'Backup restored into a new database',
  'backup.create': 'Backup taken',
  'cdc.create': 'CDC pipeline added',
  'cdc.pause': 'CDC pipeline paused',
  'cdc.resume': 'CDC pipeline resumed',
  'cdc.restart': 'CDC pipeline restarted',
  'cdc.delete': 'CDC pipeline removed',
  'alerts.mute': 'Alerts muted',
  'alerts.unmute': 'Alerts unmuted',
  'member.grant': 'Role granted',
  'member.revoke': 'Role revoked',
  'quota.set': 'Quota set',
};

/** An action's words, or the action itself. */
export const auditActionLabel = (action: string) =>
  AUDIT_ACTIONS[action] ?? action;
