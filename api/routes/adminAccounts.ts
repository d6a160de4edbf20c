// /api/admin/accounts: admin accounts, for an admin with the right to manage admins (403 for
// the others). List; create (the password in the body, never echoed); disable/enable and
// grant/revoke that right (PATCH); delete. Disabling or deleting ends every session of that
// admin at once, open WebSockets included. The last enabled admin who can manage admins cannot
// be disabled, deleted or lose the right (409). Every change is audited, refusals too.
import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  AdminAccountError, canManageAdmins, createAdminAccount, deleteAdminAccount, findAdminAccount, listAdminAccounts,
  maxPasswordLength, minPasswordLength, normalizeEmail, setAdminCanManage, setAdminDisabled, type AdminAccountView,
} from '../adminAccounts.js';
import { emitAdminSessionsEnded } from '../adminSessions.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import type { Db } from '../../platform/db.js';

const idParams = z.object({ id: z.uuid({ error: 'must be an admin account id' }) });
const createBody = z.object({
  email: z.string().trim().max(254, 'must be at most 254 characters').regex(/^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/, 'must be an email address'),
  password: z.string().min(minPasswordLength, `must be at least ${minPasswordLength} characters`).max(maxPasswordLength, `must be at most ${maxPasswordLength} characters`),
  canManageAdmins: z.boolean({ error: 'must be true or false' }).default(false),
}).strict();
const updateBody = z.object({
  disabled: z.boolean({ error: 'must be true or false' }).optional(),
  canManageAdmins: z.boolean({ error: 'must be true or false' }).optional(),
}).strict().refine((b) => b.disabled !== undefined || b.canManageAdmins !== undefined, 'nothing to change: give disabled or canManageAdmins');

const accountView = z.object({
  id: z.uuid(),
  email: z.string(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable().meta({ description: 'the last successful sign-in in the audit log; null if none since the account was created' }),
  disabled: z.boolean().meta({ description: 'a disabled admin cannot sign in (the login answers as for a wrong password)' }),
  disabledAt: z.iso.datetime().nullable(),
  canManageAdmins: z.boolean(),
  you: z.boolean().meta({ description: 'this is the signed-in admin' }),
});

const show = (a: AdminAccountView, selfId: string) => ({
  id: a.id, email: a.email, createdAt: a.createdAt.toISOString(), lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
  disabled: a.disabledAt !== null, disabledAt: a.disabledAt?.toISOString() ?? null, canManageAdmins: a.canManageAdmins, you: a.id === selfId,
});

/** A refusal of the store in HTTP terms. */
function asHttp(err: unknown): unknown {
  if (!(err instanceof AdminAccountError)) return err;
  if (err.code === 'not_found') return notFound('admin account');
  if (err.code === 'exists') return new HttpError(409, 'admin_exists', 'an admin account with this email already exists');
  if (err.code === 'last_manager') return new HttpError(409, 'last_admin_manager', err.message);
  return new HttpError(400, 'validation_failed', `invalid body: ${err.field ?? 'body'}`, { [err.field ?? 'body']: err.message });
}

export function adminAccountRoutes(deps: { db: Db }): Router {
  const api = documented(Router(), { tag: 'Admin: accounts', auth: 'admin' });

  // Asked on every request (not cached in the session), so a revoked right takes effect at once.
  api.router.use('/accounts', async (req, res, next) => {
    if (await canManageAdmins(deps.db, res.locals.adminId as string)) return next();
    if (req.method !== 'GET') await audit(req, 'admin.accounts', `${req.method} ${req.baseUrl}${req.path}`, 'denied');
    next(new HttpError(403, 'forbidden', 'managing admin accounts needs the right to manage admins'));
  });

  const target = async (req: Request) => (await findAdminAccount(deps.db, { id: req.params.id as string })) ?? null;

  /** Runs one audited change: `success` when done, `failure` when refused (then the refusal, in HTTP terms). */
  async function audited<T>(req: Request, action: string, email: string, act: () => Promise<T>): Promise<T> {
    try {
      const result = await act();
      await audit(req, action, email, 'success');
      return result;
    } catch (err) {
      if (err instanceof AdminAccountError) await audit(req, action, email, 'failure');
      throw asHttp(err);
    }
  }

  api.get('/accounts', {
    summary: 'Admin accounts',
    description: 'Every admin account, by email. Needs the right to manage admins.',
    responses: { 200: { description: 'the accounts', body: z.object({ accounts: z.array(accountView) }) }, 403: '`forbidden`: this admin may not manage admins' },
  }, async (_req, res) => {
    res.json({ accounts: (await listAdminAccounts(deps.db)).map((a) => show(a, res.locals.adminId)) });
  });

  api.post('/accounts', {
    summary: 'Create an admin account',
    description: `The password (${minPasswordLength}–${maxPasswordLength} characters) is hashed at once and never shown again. Audited as \`admin.create\`.`,
    body: createBody,
    responses: {
      201: { description: 'created', body: accountView, headers: { Location: '/api/admin/accounts/{id}' } },
      403: '`forbidden`: this admin may not manage admins',
      409: '`admin_exists`: an account with this email exists',
    },
  }, async (req, res) => {
    const body = validate(createBody, req.body ?? {});
    const email = normalizeEmail(body.email);
    const created = await audited(req, 'admin.create', email, () => createAdminAccount(deps.db, email, body.password, { canManageAdmins: body.canManageAdmins }));
    const account = await findAdminAccount(deps.db, { id: created.id });
    if (!account) throw notFound('admin account'); // deleted in between
    res.status(201).location(`/api/admin/accounts/${account.id}`).json(show(account, res.locals.adminId));
  });

  api.patch('/accounts/:id', {
    summary: 'Disable or enable an admin; grant or revoke the right to manage admins',
    description: 'Disabling ends every session of that admin at once (open WebSockets are closed with 4401). Audited as `admin.disable`, `admin.enable`, `admin.grant_manage`, `admin.revoke_manage`.',
    params: idParams,
    body: updateBody,
    responses: {
      200: { description: 'the account as it is now', body: accountView },
      403: '`forbidden`: this admin may not manage admins',
      409: '`last_admin_manager`: it is the last enabled admin who can manage admins',
    },
  }, async (req, res) => {
    const { id } = validate(idParams, req.params, 'path');
    const body = validate(updateBody, req.body ?? {});
    const account = await target(req);
    if (!account) throw notFound('admin account');
    if (body.disabled !== undefined) {
      await audited(req, body.disabled ? 'admin.disable' : 'admin.enable', account.email, () => setAdminDisabled(deps.db, { id }, body.disabled!));
      if (body.disabled) emitAdminSessionsEnded(id);
    }
    if (body.canManageAdmins !== undefined) {
      await audited(req, body.canManageAdmins ? 'admin.grant_manage' : 'admin.revoke_manage', account.email, () => setAdminCanManage(deps.db, { id }, body.canManageAdmins!));
    }
    const now = await target(req);
    if (!now) throw notFound('admin account');
    res.json(show(now, res.locals.adminId));
  });

  api.delete('/accounts/:id', {
    summary: 'Delete an admin account',
    description: 'Ends every session of that admin at once. Audited as `admin.delete`.',
    params: idParams,
    responses: {
      204: { description: 'deleted' },
      403: '`forbidden`: this admin may not manage admins',
      409: '`last_admin_manager`: it is the last enabled admin who can manage admins',
    },
  }, async (req, res) => {
    const { id } = validate(idParams, req.params, 'path');
    const account = await target(req);
    if (!account) throw notFound('admin account');
    await audited(req, 'admin.delete', account.email, () => deleteAdminAccount(deps.db, { id }));
    emitAdminSessionsEnded(id);
    res.status(204).end();
  });

  return api.router;
}
