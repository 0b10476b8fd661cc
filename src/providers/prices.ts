/**
 * Tokens → dollars for CLIs that report tokens only (codex, gemini) and as claude's fallback. The
 * table ships as data (`src/providers/data/prices.json`); a provider's `prices:` overrides it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { PriceSchema, type Price, type ProviderType, type Tokens } from '../../protocol/index.js';
import { packageRoot } from '../util/package-root.js';

const PriceTableSchema = v.object({
  claude: v.object({ fallback: PriceSchema, models: v.optional(v.record(v.string(), PriceSchema), {}) }),
  codex: v.object({ fallback: PriceSchema, models: v.optional(v.record(v.string(), PriceSchema), {}) }),
  gemini: v.object({ fallback: PriceSchema, models: v.optional(v.record(v.string(), PriceSchema), {}) }),
  command: v.object({ fallback: PriceSchema, models: v.optional(v.record(v.string(), PriceSchema), {}) }),
});
type PriceTable = v.InferOutput<typeof PriceTableSchema>;

export const PRICES_FILE = 'src/providers/data/prices.json';
const FREE: Price = { inputPerMTok: 0, outputPerMTok: 0 };
let table: PriceTable | undefined;

function loadTable(): PriceTable {
  if (table) return table;
  const path = join(packageRoot(), PRICES_FILE);
  const parsed = v.safeParse(PriceTableSchema, JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${v.summarize(parsed.issues)}`);
  return (table = parsed.output);
}

/** The price of a model: the override, else the longest matching model prefix of its type, else the type's fallback. */
export function priceFor(type: ProviderType, model: string | undefined, override?: Price): Price {
  if (override) return override;
  if (type === 'sim') return FREE;
  const entry = loadTable()[type === 'custom' ? 'command' : type];
  // "openai/gpt-5", "models/gemini-2.5-pro": the vendor prefix is not part of the name
  const name = model?.toLowerCase().split('/').pop();
  if (name) {
    const prefix = Object.keys(entry.models)
      .filter((key) => name.startsWith(key.toLowerCase()))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) return entry.models[prefix]!;
  }
  return entry.fallback;
}

/** Dollars for some tokens: `input` counts all input, of which `cached` were cache reads. */
export function priceTokens(tokens: Tokens, price: Price): number {
  const cached = Math.min(tokens.cached ?? 0, tokens.input);
  const usd =
    (tokens.input - cached) * price.inputPerMTok +
    cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
    tokens.output * price.outputPerMTok;
  return usd / 1_000_000;
}
