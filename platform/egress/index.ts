// The egress policy: where Pulse may connect on someone's behalf (docs/security.md, "Egress policy").
export { bareAddress, egressPolicy, forbiddenRange, type EgressPolicy, type ForbiddenRange } from './addressPolicy.js';
export { AllowEntryError, originEntry, parseAllowEntry, parseAllowList, type AllowEntry } from './allowList.js';
export { AddressNotAllowed, guardedLookup, literalRefusal, resolveAllowed, systemResolver, urlPort, type ResolvedAddress, type Resolver } from './egressConnect.js';
export { createEgress, type Egress, type EgressFetch, type EgressOptions } from './egress.js';
export { judgeTarget } from './targetJudge.js';
export { egressFromConfig, providerEgress, providerEndpointEntries, targetEgress, type EgressRoutes } from './fromConfig.js';
