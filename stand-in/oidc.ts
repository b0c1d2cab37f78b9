import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { header, type Handler } from "./http.js";
import { newSecret } from "./ids.js";

/** The iss claim of GitHub's OIDC tokens. */
export const OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface IssuedToken {
  jwt: string;
  audience: string;
  subject: string;
  expiresAt: Date;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Where the issuer's public keys are served, as GitHub serves them at its issuer's /.well-known/jwks. */
export const OIDC_JWKS_PATH = "/.well-known/jwks";

/**
 * GitHub's job-scoped OIDC token service. Tokens are RS256 JWTs signed with a key made at start,
 * whose public half is served at OIDC_JWKS_PATH (a platform stand-in verifies them as a real
 * platform verifies GitHub's); each carries a planted fake secret claim so tests can prove the
 * product never prints a token.
 */
export class OidcIssuer {
  private readonly keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  private readonly kid = `stand-in-${randomUUID().slice(0, 8)}`;
  /** What the runner puts in ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken = `standin-oidc-request-${newSecret()}`;
  readonly plantedClaim = `standin-planted-claim-${newSecret()}`;
  readonly issued: IssuedToken[] = [];

  constructor(
    private readonly subject: string,
    private readonly lifetimeMs: () => number,
  ) {}

  /** The path of ACTIONS_ID_TOKEN_REQUEST_URL, shaped like the runner's. */
  readonly path = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;

  readonly handler: Handler = (req) => {
    if (req.method === "GET" && req.url.pathname === OIDC_JWKS_PATH) {
      const jwk = { ...this.keys.publicKey.export({ format: "jwk" }), kid: this.kid, alg: "RS256", use: "sig" };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ keys: [jwk] }), action: "GetJwks" };
    }
    const action = "GetIDToken";
    if (req.method !== "GET" || req.url.pathname !== this.path) return { status: 404, body: "", action, errorCode: "NotFound" };
    if (header(req, "authorization") !== `Bearer ${this.requestToken}`) {
      return { status: 401, body: JSON.stringify({ message: "Unauthorized" }), action, errorCode: "Unauthorized" };
    }
    const token = this.issue(req.url.searchParams.get("audience") ?? "https://github.com/octo-org");
    return {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ count: token.jwt.length, value: token.jwt }),
      action,
    };
  };

  private issue(audience: string): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = new Date(Date.now() + this.lifetimeMs());
    const [, repository = "octo-org/octo-repo"] = /^repo:([^:]+):/.exec(this.subject) ?? [];
    const claims = {
      jti: randomUUID(),
      sub: this.subject,
      aud: audience,
      ref: "refs/heads/main",
      repository,
      repository_owner: repository.split("/")[0],
      run_id: "4242",
      run_attempt: "1",
      event_name: "workflow_dispatch",
      iss: OIDC_ISSUER,
      nbf: now - 5,
      iat: now,
      exp: Math.floor(expiresAt.getTime() / 1000),
      standin_planted_secret: this.plantedClaim,
    };
    const signed = `${base64url({ alg: "RS256", typ: "JWT", kid: this.kid })}.${base64url(claims)}`;
    const jwt = `${signed}.${createSign("RSA-SHA256").update(signed).sign(this.keys.privateKey).toString("base64url")}`;
    const token = { jwt, audience, subject: this.subject, expiresAt };
    this.issued.push(token);
    return token;
  }

  find(jwt: string): IssuedToken | undefined {
    return this.issued.find((t) => t.jwt === jwt);
  }
}
