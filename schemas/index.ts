// The Avro schemas of every event value, as loaded from schemas/avro/*.avsc.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type AvroSchema = Record<string, unknown> & { name: string; namespace?: string };

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'avro');

export function loadSchema(file: string): AvroSchema {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as AvroSchema;
}

export const schemaFiles = {
  IntegrationLifecycleEvent: 'integration-lifecycle.avsc',
  HealthChecked: 'health-checked.avsc',
  CheckRequested: 'check-requested.avsc',
  AdminActionPerformed: 'admin-action.avsc',
  AlertEvent: 'alert-event.avsc',
  ConfigEvent: 'config-event.avsc',
  EvaluatorTicked: 'evaluator-tick.avsc',
} as const;

export type SchemaName = keyof typeof schemaFiles;

export const schemas: Record<SchemaName, AvroSchema> = {
  IntegrationLifecycleEvent: loadSchema(schemaFiles.IntegrationLifecycleEvent),
  HealthChecked: loadSchema(schemaFiles.HealthChecked),
  CheckRequested: loadSchema(schemaFiles.CheckRequested),
  AdminActionPerformed: loadSchema(schemaFiles.AdminActionPerformed),
  AlertEvent: loadSchema(schemaFiles.AlertEvent),
  ConfigEvent: loadSchema(schemaFiles.ConfigEvent),
  EvaluatorTicked: loadSchema(schemaFiles.EvaluatorTicked),
};
