// The desktop preload exposes the Api on window.parallax; in a browser it is absent.
import type { ApiClient } from '../../shared/api';

declare global {
  interface Window {
    parallax?: ApiClient;
  }
}

export {};
