// A request the receiver refuses: the HTTP status, a reason to count it by, and a detail for the client.

export class OtlpRefusal extends Error {
  constructor(
    readonly status: number,
    /** Short and stable (no offsets or sizes), so refusals of one kind count together. */
    readonly reason: string,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'OtlpRefusal';
  }
}
