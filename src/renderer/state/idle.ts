// The idle signal end-to-end tests wait on: body[data-idle] is 'true' when no Api call is pending
// and no canvas is waiting to draw (STYLE.md #16).

let pendingCalls = 0;
const pendingDraws = new Set<string>();
let settleTimer: number | null = null;

function setIdle(idle: boolean): void {
  document.body.dataset.idle = idle ? 'true' : 'false';
}

function isBusy(): boolean {
  return pendingCalls > 0 || pendingDraws.size > 0;
}

/** Going idle waits two frames, so a reply has rendered and its canvases have asked to draw. */
function update(): void {
  if (isBusy()) {
    setIdle(false);
    return;
  }
  if (settleTimer !== null) return;
  settleTimer = window.setTimeout(() => {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        settleTimer = null;
        setIdle(!isBusy());
      }),
    );
  }, 0);
}

/** Counts a promise as pending work until it settles. */
export function trackWork<T>(promise: Promise<T>): Promise<T> {
  pendingCalls++;
  update();
  return promise.finally(() => {
    pendingCalls--;
    update();
  });
}

export function markDrawPending(key: string): void {
  pendingDraws.add(key);
  update();
}

export function markDrawn(key: string): void {
  pendingDraws.delete(key);
  update();
}

export function initIdleSignal(): void {
  setIdle(false);
  update();
}
