// Why a file cannot be imported, in words for a person; the caller names the file in front.

export class ImportRefusal extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'ImportRefusal';
  }
}

/** Throws an ImportRefusal: the file is not what its importer reads. */
export function refuse(why: string): never {
  throw new ImportRefusal(why);
}

/** A count in words: "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
