import { describe, expect, it } from 'vitest';
import { databaseName, newPassword, newWorkspaceId, WORKSPACE_ID_PATTERN } from './workspace-id.ts';

describe('workspace ids', () => {
  it('are "w" and 8 random characters from [a-z0-9], safe as vhost, user and database names', () => {
    const ids = new Set(Array.from({ length: 1000 }, newWorkspaceId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^w[a-z0-9]{8}$/);
      expect(WORKSPACE_ID_PATTERN.test(id)).toBe(true);
    }
    expect(databaseName('wab12cd34')).toBe('ws_wab12cd34');
  });

  it('come with base64url passwords of 24 characters', () => {
    expect(newPassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
