import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the part of GitHub's REST API this tool calls, with GitHub's own reply
 * shapes and errors (https://docs.github.com/en/rest):
 *   GET   /repos/{owner}/{repo}/issues/{n}/comments   (per_page, page; Link header)
 *   POST  /repos/{owner}/{repo}/issues/{n}/comments   {body}              → 201
 *   PATCH /repos/{owner}/{repo}/issues/comments/{id}  {body}              → 200
 *   POST  /repos/{owner}/{repo}/check-runs            {name, head_sha, …} → 201
 * A token is known with the permissions a workflow's `permissions:` would give it. Unknown token:
 * 401 "Bad credentials". Missing permission: 403 "Resource not accessible by integration" with
 * the X-Accepted-GitHub-Permissions header GitHub sends. A comment body over 65,536 characters:
 * 422, as GitHub answers.
 */

export type Permission = "none" | "read" | "write";
export interface TokenPermissions {
  pullRequests: Permission;
  checks: Permission;
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion?: string;
  title?: string;
  summary?: string;
  detailsUrl?: string;
}

export interface GitHubStandIn {
  /** The API root, as GITHUB_API_URL. */
  url: string;
  repository: string;
  /** Adds a token with the given permissions (default: write to both). */
  addToken(token: string, permissions?: Partial<TokenPermissions>): void;
  /** Adds an open pull request number (comments on other numbers are 404). */
  addPullRequest(n: number): void;
  /** A comment someone else wrote, as on a real pull request. */
  addComment(issue: number, body: string, user?: string): StoredComment;
  comments(issue: number): StoredComment[];
  checkRuns(): StoredCheckRun[];
  /** Method and path of every call, in order. */
  calls: string[];
  stop(): Promise<void>;
}

const MAX_BODY = 65_536;
const BOT = "github-actions[bot]";

export async function startGitHubStandIn(options: { repository?: string } = {}): Promise<GitHubStandIn> {
  const repository = options.repository ?? "octo-org/gpu-stack";
  const tokens = new Map<string, TokenPermissions>();
  const pulls = new Set<number>();
  const comments: StoredComment[] = [];
  const checkRuns: StoredCheckRun[] = [];
  const calls: string[] = [];
  let nextId = 1000;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { message, documentation_url: "https://docs.github.com/rest", status: String(status) }, headers);

  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const commentJson = (c: StoredComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    body: c.body,
    user: { login: c.user, type: c.user.endsWith("[bot]") ? "Bot" : "User" },
    html_url: `https://github.com/${repository}/pull/${c.issue}#issuecomment-${c.id}`,
    url: `${base()}/repos/${repository}/issues/comments/${c.id}`,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    calls.push(`${method} ${url.pathname}`);
    const auth = req.headers.authorization ?? "";
    const token = /^(?:token|bearer) (.+)$/i.exec(auth)?.[1];
    const perms = token ? tokens.get(token) : undefined;
    if (!perms) return error(res, 401, "Bad credentials");
    const repoPath = `/repos/${repository}`;
    if (!url.pathname.startsWith(`${repoPath}/`)) return error(res, 404, "Not Found");
    const path = url.pathname.slice(repoPath.length);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const now = new Date().toISOString();
    const needs = (what: keyof TokenPermissions, level: Permission, accepted: string) => {
      const have = perms[what];
      if (have === "write" || have === level) return true;
      error(res, 403, "Resource not accessible by integration", { "x-accepted-github-permissions": accepted });
      return false;
    };

    let m = /^\/issues\/(\d+)\/comments$/.exec(path);
    if (m) {
      const issue = Number(m[1]);
      if (!pulls.has(issue)) return error(res, 404, "Not Found");
      if (method === "GET") {
        if (!needs("pullRequests", "read", "issues=read; pull_requests=read")) return;
        const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = comments.filter((c) => c.issue === issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const links: string[] = [];
        const pageUrl = (p: number) => `<${base()}${url.pathname}?per_page=${perPage}&page=${p}>`;
        if (page < last) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
        return send(
          res,
          200,
          all.slice((page - 1) * perPage, page * perPage).map(commentJson),
          links.length ? { link: links.join(", ") } : {},
        );
      }
      if (method === "POST") {
        if (!needs("pullRequests", "write", "issues=write; pull_requests=write")) return;
        const text = String(body.body ?? "");
        if (text.length > MAX_BODY) return error(res, 422, `Validation Failed: body is too long (maximum is ${MAX_BODY} characters)`);
        const c: StoredComment = { id: nextId++, issue, body: text, user: BOT, createdAt: now, updatedAt: now };
        comments.push(c);
        return send(res, 201, commentJson(c));
      }
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(path);
    if (m && method === "PATCH") {
      const c = comments.find((x) => x.id === Number(m![1]));
      if (!c) return error(res, 404, "Not Found");
      if (!needs("pullRequests", "write", "issues=write; pull_requests=write")) return;
      const text = String(body.body ?? "");
      if (text.length > MAX_BODY) return error(res, 422, `Validation Failed: body is too long (maximum is ${MAX_BODY} characters)`);
      c.body = text;
      c.updatedAt = now;
      return send(res, 200, commentJson(c));
    }
    if (path === "/check-runs" && method === "POST") {
      if (!needs("checks", "write", "checks=write")) return;
      const output = (body.output ?? {}) as { title?: string; summary?: string };
      if ((output.summary ?? "").length > MAX_BODY) return error(res, 422, "Validation Failed: output.summary is too long");
      const run: StoredCheckRun = {
        id: nextId++,
        name: String(body.name ?? ""),
        headSha: String(body.head_sha ?? ""),
        status: String(body.status ?? "queued"),
        conclusion: body.conclusion === undefined ? undefined : String(body.conclusion),
        title: output.title,
        summary: output.summary,
        detailsUrl: body.details_url === undefined ? undefined : String(body.details_url),
      };
      if (!run.name || !/^[0-9a-f]{40}$/.test(run.headSha)) return error(res, 422, "Validation Failed: name and head_sha are required");
      checkRuns.push(run);
      return send(res, 201, {
        id: run.id,
        name: run.name,
        head_sha: run.headSha,
        status: run.status,
        conclusion: run.conclusion ?? null,
        html_url: `https://github.com/${repository}/runs/${run.id}`,
      });
    }
    return error(res, 404, "Not Found");
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((e: unknown) => error(res, 500, String(e)));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));

  return {
    url: base(),
    repository,
    addToken: (token, permissions) => tokens.set(token, { pullRequests: "write", checks: "write", ...permissions }),
    addPullRequest: (n) => pulls.add(n),
    addComment: (issue, body, user = "octocat") => {
      const now = new Date().toISOString();
      const c = { id: nextId++, issue, body, user, createdAt: now, updatedAt: now };
      comments.push(c);
      return c;
    },
    comments: (issue) => comments.filter((c) => c.issue === issue),
    checkRuns: () => [...checkRuns],
    calls,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
