// Bundles keep the store schema they were made with. Import brings an older bundle's table blocks
// forward one schema step at a time before validation. Columns a later migration added with a
// default (or as nullable) need no step: import leaves them to their default. A step is needed
// only when a migration renames, reshapes or splits data; add it here keyed by the schema it
// upgrades *from*. Bundles exist from schema 2 on.
import type { TableBlock } from './columns';
import { SCHEMA_VERSION } from '../store/schema';

type Upgrade = (blocks: TableBlock[]) => TableBlock[];

const UPGRADES: Record<number, Upgrade> = {
  // 2: (none yet) e.g. when schema 3 adds `source_maps`, a schema-2 bundle simply has no such table.
};

export function upgradeBlocks(fromSchema: number, blocks: TableBlock[]): TableBlock[] {
  let current = blocks;
  for (let version = fromSchema; version < SCHEMA_VERSION; version++) current = UPGRADES[version]?.(current) ?? current;
  return current;
}
