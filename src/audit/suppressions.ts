import { VigilError, err, ok, present, type Clock, type Result } from '../core/index.js';
import type { AuditResourceIdentifier, AuditStore, AuditSuppression, Page } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { findCheck } from './checks/index.js';
import { resourceKey } from './resource-key.js';

export interface SuppressionInput {
  readonly checkName: string;
  readonly resourceIdentifier: AuditResourceIdentifier;
  /** Epoch ms. */
  readonly expirationDate?: number | undefined;
  readonly suppressIndefinitely?: boolean | undefined;
  readonly description?: string | undefined;
}

/** Audit finding suppressions (device-defender.md §6.6): later findings of the resource are marked suppressed. */
export class AuditSuppressions {
  constructor(private readonly deps: { store: AuditStore; clock: Clock; telemetry: Telemetry; enabledChecks: () => Promise<Set<string>> }) {}

  async create(input: SuppressionInput): Promise<Result<void>> {
    const check = await this.requireCheck(input.checkName);
    if (!check.ok) return check;
    const valid = this.validate(input);
    if (!valid.ok) return valid;
    const suppression: AuditSuppression = {
      checkName: input.checkName,
      resourceIdentifier: input.resourceIdentifier,
      resourceKey: resourceKey(input.resourceIdentifier),
      expirationDate: input.suppressIndefinitely === true ? undefined : input.expirationDate,
      suppressIndefinitely: input.suppressIndefinitely === true,
      description: input.description,
      createdAt: this.deps.clock.now(),
    };
    if (!(await this.deps.store.createSuppression(suppression))) return err(new VigilError('audit.already_exists', `a suppression of ${input.checkName} for this resource already exists`));
    this.deps.telemetry.emit('audit_suppression_changed', { action: 'create' }, { checkName: input.checkName });
    return ok(undefined);
  }

  async describe(checkName: string, identifier: AuditResourceIdentifier): Promise<Result<AuditSuppression>> {
    return present(await this.deps.store.getSuppression(checkName, resourceKey(identifier)), () => new VigilError('audit.not_found', `no suppression of ${checkName} for this resource`));
  }

  async update(input: SuppressionInput): Promise<Result<void>> {
    const described = await this.describe(input.checkName, input.resourceIdentifier);
    if (!described.ok) return described;
    const existing = described.value;
    const valid = this.validate({ ...input, suppressIndefinitely: input.suppressIndefinitely ?? (input.expirationDate === undefined ? existing.suppressIndefinitely : false) });
    if (!valid.ok) return valid;
    const indefinitely = input.suppressIndefinitely ?? (input.expirationDate === undefined ? existing.suppressIndefinitely : false);
    await this.deps.store.updateSuppression({
      ...existing,
      suppressIndefinitely: indefinitely,
      expirationDate: indefinitely ? undefined : (input.expirationDate ?? existing.expirationDate),
      description: input.description ?? existing.description,
    });
    this.deps.telemetry.emit('audit_suppression_changed', { action: 'update' }, { checkName: input.checkName });
    return ok(undefined);
  }

  async delete(checkName: string, identifier: AuditResourceIdentifier): Promise<Result<void>> {
    if (!(await this.deps.store.deleteSuppression(checkName, resourceKey(identifier)))) return err(new VigilError('audit.not_found', `no suppression of ${checkName} for this resource`));
    this.deps.telemetry.emit('audit_suppression_changed', { action: 'delete' }, { checkName });
    return ok(undefined);
  }

  async list(query: { checkName?: string | undefined; resourceIdentifier?: AuditResourceIdentifier | undefined; ascending?: boolean | undefined; limit: number; cursor?: string | undefined }): Promise<Page<AuditSuppression>> {
    return this.deps.store.listSuppressions({ checkName: query.checkName, resourceKey: query.resourceIdentifier === undefined ? undefined : resourceKey(query.resourceIdentifier), ascending: query.ascending, limit: query.limit, cursor: query.cursor });
  }

  private async requireCheck(checkName: string): Promise<Result<void>> {
    if (findCheck(checkName) === undefined) return err(new VigilError('audit.invalid_check', `"${checkName}" is not an audit check`));
    if (!(await this.deps.enabledChecks()).has(checkName)) return err(new VigilError('audit.invalid_request', `${checkName} is not enabled; only findings of enabled checks can be suppressed`));
    return ok(undefined);
  }

  private validate(input: SuppressionInput): Result<void> {
    if (input.description !== undefined && input.description.length > 1000) return err(new VigilError('audit.invalid_request', 'description is at most 1000 characters'));
    if (input.suppressIndefinitely === true && input.expirationDate !== undefined) return err(new VigilError('audit.invalid_request', 'give expirationDate or suppressIndefinitely, not both'));
    if (input.suppressIndefinitely !== true) {
      if (input.expirationDate === undefined) return err(new VigilError('audit.invalid_request', 'give expirationDate or suppressIndefinitely=true'));
      if (input.expirationDate <= this.deps.clock.now()) return err(new VigilError('audit.invalid_request', 'expirationDate must be in the future'));
    }
    return ok(undefined);
  }
}
