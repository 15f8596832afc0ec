// The web host behind `parallax serve`.
export { startWebHost, type WebHost, type WebHostOptions } from './web-host';
export { CONTENT_SECURITY_POLICY } from './content-security-policy';
