import { randomUUID } from "node:crypto";
import { header, type Handler } from "./http.js";
import { newSecret } from "./ids.js";

const ISSUER = "https://token.actions.githubusercontent.com";

export interface IssuedToken {
  jwt: string;
  audience: string;
  subject: string;
  expiresAt: Date;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * GitHub's job-scoped OIDC token service. Tokens are JWT-shaped but unsigned; each carries a
 * planted fake secret claim so tests can prove the product never prints a token.
 */
export class OidcIssuer {
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
      iss: ISSUER,
      nbf: now - 5,
      iat: now,
      exp: Math.floor(expiresAt.getTime() / 1000),
      standin_planted_secret: this.plantedClaim,
    };
    const jwt = [base64url({ alg: "RS256", typ: "JWT", kid: "stand-in" }), base64url(claims), newSecret(64)].join(".");
    const token = { jwt, audience, subject: this.subject, expiresAt };
    this.issued.push(token);
    return token;
  }

  find(jwt: string): IssuedToken | undefined {
    return this.issued.find((t) => t.jwt === jwt);
  }
}
