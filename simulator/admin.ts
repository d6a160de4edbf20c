// The admin API under /_sim: what startSimulator's handle does, over HTTP, for a human or the demo.
//   POST   /_sim/accounts                    {provider, scopes?, account?, accessTokenTtlSeconds?} → 201 SimAccount
//   GET    /_sim/accounts                    → 200 SimAccount[]
//   GET    /_sim/accounts/:account           → 200 SimAccount (current tokens)
//   PUT    /_sim/accounts/:account/faults    Faults → 204 (replaces; {} clears)
//   GET    /_sim/accounts/:account/faults    → 200 Faults
//   DELETE /_sim/accounts/:account/faults    → 204
//   GET    /_sim/accounts/:account/requests  → 200 [{method, path, status}]
// Bad bodies answer 400 {error:'invalid_request', message:'<field>: <problem>'}.
import express, { type Response } from 'express';
import { AccountExistsError, newAccountSchema, snapshot, type AccountState } from './accounts.js';
import { describeIssues, sendJson, type SimContext } from './context.js';
import { faultsSchema } from './faults.js';

export function adminRouter(ctx: SimContext): express.Router {
  const r = express.Router();
  r.use(express.json());

  const find = (name: string, res: Response): AccountState | undefined => {
    const state = ctx.store.get(name);
    if (!state) sendJson(res, 404, { error: 'not_found', message: `no account ${name}` });
    return state;
  };

  r.post('/accounts', (req, res) => {
    const parsed = newAccountSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendJson(res, 400, { error: 'invalid_request', message: describeIssues(parsed.error) });
    try {
      sendJson(res, 201, snapshot(ctx.store.create(parsed.data)));
    } catch (e) {
      if (e instanceof AccountExistsError) return sendJson(res, 409, { error: 'conflict', message: e.message });
      throw e;
    }
  });

  r.get('/accounts', (_req, res) => sendJson(res, 200, ctx.store.list().map(snapshot)));

  r.get('/accounts/:account', (req, res) => {
    const state = find(req.params.account, res);
    if (state) sendJson(res, 200, snapshot(state));
  });

  r.put('/accounts/:account/faults', (req, res) => {
    const state = find(req.params.account, res);
    if (!state) return;
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendJson(res, 400, { error: 'invalid_request', message: describeIssues(parsed.error) });
    state.faults = parsed.data;
    res.status(204).end();
  });

  r.get('/accounts/:account/faults', (req, res) => {
    const state = find(req.params.account, res);
    if (state) sendJson(res, 200, state.faults);
  });

  r.delete('/accounts/:account/faults', (req, res) => {
    const state = find(req.params.account, res);
    if (!state) return;
    state.faults = {};
    res.status(204).end();
  });

  r.get('/accounts/:account/requests', (req, res) => {
    const state = find(req.params.account, res);
    if (state) sendJson(res, 200, state.requests);
  });

  return r;
}
