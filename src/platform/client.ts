import { randomUUID } from "node:crypto";
import { request, type Dispatcher } from "undici";
import type { z } from "zod";
import { backoffDelay } from "../cloud/retry.js";
import { redactor } from "../runtime/redact.js";
import type { Clock } from "../runtime/clock.js";
import type { Log } from "../runtime/log.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Where the bearer token comes from: Cognito, a fixed token, GitHub's OIDC token, or nothing. */
export interface TokenSource {
  /** The current token; undefined: no Authorization header (platform-auth none). */
  token(): Promise<string | undefined>;
  /** A fresh token after a 401; absent: a 401 is final. */
  refresh?(): Promise<string>;
}

export interface PlatformClientOptions {
  /** Base URL, no trailing slash; paths are appended as given (/v1/clusters). */
  baseUrl: string;
  /** Passed to every request explicitly (an undici Agent, or a MockAgent in tests). */
  dispatcher: Dispatcher;
  auth: TokenSource;
  clock: Clock;
  log: Log;
  /** Per request, for the headers and again for the body; default 30 000 ms. */
  timeoutMs?: number;
  /** Attempts in all for 429, 5xx and network errors; default 5. */
  attempts?: number;
  /** Backoff base and cap in ms (full jitter); Retry-After overrides it, up to maxRetryAfterMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  random?: () => number;
  /** Values that must never appear in an error; tokens are added as they are used. */
  secrets?: () => Iterable<string>;
  idempotencyKey?: () => string;
}

/** A refused or unreadable platform reply: method, path, status and a redacted body excerpt. */
export class PlatformApiError extends Error {
  override name = "PlatformApiError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly excerpt: string,
    what: string,
  ) {
    super(`Platform API ${method} ${path} ${what}${excerpt ? `: ${excerpt}` : ""}`);
  }
}

const EXCERPT_CHARS = 300;
// Token-shaped values are redacted even when nobody registered them: JWTs and "token" fields.
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const TOKEN_FIELD = /("(?:token|access_?token|id_?token|refresh_?token|password|secret)"\s*:\s*")[^"]*"/gi;

/** Parses Retry-After (seconds or an HTTP date) into ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The one HTTP client for a platform API (undici, with the dispatcher passed explicitly). Every
 * reply is parsed with a zod schema; 429 and 5xx are retried with backoff honouring Retry-After;
 * a 401 refreshes the token once; every POST (and PATCH) carries an Idempotency-Key that stays the same
 * across its retries, so a retried create never creates twice.
 */
export class PlatformClient {
  private readonly used = new Set<string>();
  constructor(private readonly o: PlatformClientOptions) {}

  /** Any method, the body sent as JSON when given; the reply parsed with `schema` (a description's step). */
  request<T>(method: HttpMethod, path: string, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.call(method, path, schema, body, signal);
  }

  /** DELETE (or the given method); a 404 counts as done (already gone) and returns false, otherwise true. */
  async delete(path: string, signal?: AbortSignal, method: HttpMethod = "DELETE"): Promise<boolean> {
    try {
      await this.call(method, path, undefined, undefined, signal);
      return true;
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 404) return false;
      throw error;
    }
  }

  private redact(text: string): string {
    const secrets = [...this.used, ...(this.o.secrets?.() ?? [])];
    return redactor(secrets)(text).replace(TOKEN_FIELD, '$1***"').replace(JWT, "***");
  }

  private async call<T>(
    method: HttpMethod,
    path: string,
    schema: z.ZodType<T> | undefined,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const { clock, log } = this.o;
    const attempts = this.o.attempts ?? 5;
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const idempotencyKey = method === "POST" || method === "PATCH" ? (this.o.idempotencyKey ?? randomUUID)() : undefined;
    let refreshed = false;
    let token = await this.o.auth.token();
    for (let attempt = 0; ; attempt++) {
      if (token) this.used.add(token);
      const headers: Record<string, string> = { accept: "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
      if (body !== undefined) headers["content-type"] = "application/json";
      let status: number;
      let text: string;
      let retryAfter: string | string[] | undefined;
      try {
        const reply = await request(`${this.o.baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: this.o.dispatcher,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          // The timeout covers connecting too, which headersTimeout does not.
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
        status = reply.statusCode;
        retryAfter = reply.headers["retry-after"];
        text = await reply.body.text();
      } catch (error) {
        if (signal?.aborted) throw error;
        const what = `failed without a reply (${this.redact(error instanceof Error ? error.message : String(error))})`;
        if (attempt + 1 >= attempts) throw new PlatformApiError(method, path, undefined, "", `${what} after ${attempts} attempts`);
        const delay = backoffDelay(attempt, this.o.baseDelayMs ?? 500, this.o.maxDelayMs ?? 10_000, this.o.random);
        log.info(`Platform API ${method} ${path} ${what}; attempt ${attempt + 2} of ${attempts} in ${delay} ms`);
        await clock.sleep(delay, signal);
        continue;
      }
      const excerpt = () => this.redact(text.slice(0, EXCERPT_CHARS).replace(/\s+/g, " ").trim());
      if (status === 401 && this.o.auth.refresh && !refreshed) {
        refreshed = true;
        log.info(`Platform API ${method} ${path} answered 401; refreshing the token once`);
        token = await this.o.auth.refresh();
        attempt--;
        continue;
      }
      if (status === 429 || status >= 500) {
        if (attempt + 1 >= attempts)
          throw new PlatformApiError(method, path, status, excerpt(), `answered HTTP ${status} ${attempts} times`);
        const asked = retryAfterMs(retryAfter, clock.now());
        const delay =
          asked !== undefined
            ? Math.min(asked, this.o.maxRetryAfterMs ?? 120_000)
            : backoffDelay(attempt, this.o.baseDelayMs ?? 500, this.o.maxDelayMs ?? 10_000, this.o.random);
        log.info(`Platform API ${method} ${path} answered HTTP ${status}; attempt ${attempt + 2} of ${attempts} in ${delay} ms`);
        await clock.sleep(delay, signal);
        continue;
      }
      if (status < 200 || status >= 300) {
        const hint =
          status === 401
            ? " (the token was refused" + (refreshed ? " again after a refresh)" : ")")
            : status === 403
              ? " (the user may not do this)"
              : "";
        throw new PlatformApiError(method, path, status, excerpt(), `answered HTTP ${status}${hint}`);
      }
      if (!schema) return undefined as T;
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        throw new PlatformApiError(method, path, status, excerpt(), `answered HTTP ${status} with a body that is not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
        throw new PlatformApiError(method, path, status, excerpt(), `answered HTTP ${status} with an unexpected body (${issues})`);
      }
      return parsed.data;
    }
  }
}
