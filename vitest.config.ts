import { defineConfig } from 'vitest/config';

// Three projects: unit (pure logic), integration (real target processes, real SQLite),
// e2e (the built renderer in Debian's Chromium against `parallax serve`).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Timing-sensitive checks (sample counts) share two cores with their targets.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // A canvas redraws after layout settles (the timeline loads above the panels): polls
          // on drawn labels wait for that rather than the one-second default.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
