import { Agent } from "undici";
import type { PlatformAuth, PlatformSettings } from "../config/inputs.js";
import { platformTokenSource, type PlatformAuthDeps } from "./auth.js";
import { PlatformClient } from "./client.js";
import { PlatformApi } from "./api.js";
import type { PlatformDescription } from "./description.js";

/** A logged-in platform API (the radix preset or platform-config's description) and the connection pool behind it. */
export interface PlatformConnection {
  api: PlatformApi;
  /** Closes the connection pool; the session's tokens are forgotten. */
  close(): Promise<void>;
}

/** Connects to the platform: logs in (see platformTokenSource), so a refused credential fails here, before anything is spent. */
export type ConnectPlatform = () => Promise<PlatformConnection>;

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Logs in with platform-auth and returns the described API (RADIX, or platform-config's) over one undici Agent (passed to every
 * request explicitly). Throws CognitoError (or the token source's error) naming the fix.
 */
export async function connectPlatform(
  settings: { apiUrl: string; auth: PlatformAuth; description: PlatformDescription },
  deps: PlatformAuthDeps,
): Promise<PlatformConnection> {
  const auth = await platformTokenSource(settings.auth, deps);
  const dispatcher = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS } });
  const client = new PlatformClient({ baseUrl: settings.apiUrl, dispatcher, auth, clock: deps.clock, log: deps.log });
  return { api: new PlatformApi(client, settings.description, deps.clock, deps.log), close: () => dispatcher.close() };
}

/** How the evidence names platform-auth: the mode, and Cognito's flow and token. Nothing secret. */
export function authLabel(settings: PlatformSettings): string {
  const a = settings.auth;
  return a.kind === "cognito" ? `cognito (${a.flow} flow, ${a.tokenUse} token, pool ${a.userPoolId})` : a.kind;
}
