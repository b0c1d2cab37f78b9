import type { CredentialStore } from "./credentials.js";
import { assumedRoleArn } from "./credentials.js";
import type { Faults } from "./faults.js";
import type { Handler, Reply } from "./http.js";
import { ACCOUNT_ID, newRequestId, stableHex } from "./ids.js";
import type { OidcIssuer } from "./oidc.js";
import { QueryParams } from "./query.js";
import { el, leaf, xmlDocument } from "./xml.js";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export interface StsOptions {
  credentials: CredentialStore;
  oidc: OidcIssuer;
  faults: Faults;
  /** Roles that trust the stand-in's OIDC provider; any well-formed role when absent. */
  roleArns?: string[];
  /** The role's MaxSessionDuration. */
  maxSessionDurationSeconds: number;
}

function ok(action: string, result: string, accessKeyId?: string): Reply {
  const metadata = el("ResponseMetadata", leaf("RequestId", newRequestId()));
  return {
    status: 200,
    headers: { "content-type": "text/xml" },
    body: xmlDocument(`${action}Response`, NAMESPACE, el(`${action}Result`, result), metadata),
    action,
    accessKeyId,
  };
}

function fail(action: string, status: number, code: string, message: string, accessKeyId?: string): Reply {
  const error = el("Error", leaf("Type", status >= 500 ? "Receiver" : "Sender"), leaf("Code", code), leaf("Message", message));
  return {
    status,
    headers: { "content-type": "text/xml" },
    body: xmlDocument("ErrorResponse", NAMESPACE, error, leaf("RequestId", newRequestId())),
    action,
    accessKeyId,
    errorCode: code,
  };
}

export function stsHandler(options: StsOptions): Handler {
  const { credentials, oidc, faults } = options;

  function assumeRoleWithWebIdentity(params: QueryParams): Reply {
    const action = "AssumeRoleWithWebIdentity";
    const injected = faults.takeStsFault();
    if (injected) return fail(action, injected.httpStatus, injected.code, injected.message);
    const roleArn = params.get("RoleArn") ?? "";
    const sessionName = params.get("RoleSessionName") ?? "";
    const durationSeconds = Number(params.get("DurationSeconds") ?? 3600);
    const invalid = (name: string, value: string, constraint: string) =>
      fail(
        action,
        400,
        "ValidationError",
        `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: ${constraint}`,
      );
    if (!ROLE_ARN.test(roleArn)) return invalid("roleArn", roleArn, "Member must be a role ARN");
    if (!SESSION_NAME.test(sessionName))
      return invalid("roleSessionName", sessionName, `Member must satisfy regular expression pattern: ${SESSION_NAME.source}`);
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      return invalid("durationSeconds", String(durationSeconds), "Member must have value between 900 and 43200");
    }
    if (durationSeconds > options.maxSessionDurationSeconds) {
      return fail(action, 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    const token = oidc.find(params.get("WebIdentityToken") ?? "");
    if (!token) {
      return fail(
        action,
        400,
        "InvalidIdentityToken",
        "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
      );
    }
    if (token.expiresAt.getTime() <= Date.now()) return fail(action, 400, "ExpiredTokenException", "Token is expired");
    if (token.audience !== "sts.amazonaws.com") return fail(action, 400, "InvalidIdentityToken", "Incorrect token audience");
    if (options.roleArns && !options.roleArns.includes(roleArn)) {
      return fail(action, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    }
    const session = credentials.issue(roleArn, sessionName, durationSeconds, faults.credentialLifetimeMs ?? durationSeconds * 1000);
    const roleId = `AROA${stableHex(roleArn, 17).toUpperCase()}`;
    return ok(
      action,
      leaf("SubjectFromWebIdentityToken", token.subject) +
        leaf("Audience", token.audience) +
        el("AssumedRoleUser", leaf("Arn", assumedRoleArn(roleArn, sessionName)), leaf("AssumedRoleId", `${roleId}:${sessionName}`)) +
        el(
          "Credentials",
          leaf("AccessKeyId", session.accessKeyId),
          leaf("SecretAccessKey", session.secretAccessKey),
          leaf("SessionToken", session.sessionToken),
          leaf("Expiration", session.expiration),
        ) +
        leaf("Provider", "token.actions.githubusercontent.com"),
    );
  }

  return (req) => {
    const params = QueryParams.parse(req.body.toString("utf8"));
    const action = params.get("Action") ?? "unknown";
    if (action === "AssumeRoleWithWebIdentity") return assumeRoleWithWebIdentity(params);
    if (action !== "GetCallerIdentity")
      return fail(action, 400, "InvalidAction", `Could not find operation ${action} for version 2011-06-15`);
    const auth = credentials.authenticate(req);
    if (!auth.ok) {
      const [code, message] = {
        missing: ["MissingAuthenticationToken", "Request is missing Authentication Token"] as const,
        unknown: ["InvalidClientTokenId", "The security token included in the request is invalid."] as const,
        expired: ["ExpiredToken", "The security token included in the request is expired"] as const,
      }[auth.reason];
      return fail(action, 403, code, message, auth.accessKeyId);
    }
    return ok(action, leaf("Arn", auth.arn) + leaf("UserId", auth.accessKeyId) + leaf("Account", ACCOUNT_ID), auth.accessKeyId);
  };
}
