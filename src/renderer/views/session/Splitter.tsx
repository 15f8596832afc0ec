// A horizontal drag handle that sets how much of the session view the flame graph takes.
import type { KeyboardEvent, PointerEvent } from 'react';
import { useUi } from '../../state/ui';

export function Splitter({ containerRef }: { containerRef: { current: HTMLElement | null } }) {
  const share = useUi((state) => state.flameShare);
  const setShare = useUi((state) => state.setFlameShare);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const container = containerRef.current;
    if (!container) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const rect = container.getBoundingClientRect();
    const move = (e: globalThis.PointerEvent) => setShare((e.clientY - rect.top) / rect.height);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowUp') setShare(share - 0.05);
    else if (event.key === 'ArrowDown') setShare(share + 0.05);
    else return;
    event.preventDefault();
  };

  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize flame graph"
      aria-valuemin={20}
      aria-valuemax={80}
      aria-valuenow={Math.round(share * 100)}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
