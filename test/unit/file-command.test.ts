import { describe, expect, it } from "vitest";
import { parseFileCommand } from "../e2e/action-process.js";

// The test runner reads GITHUB_STATE and GITHUB_OUTPUT as GitHub's runner does (actions/runner,
// FileCommandManager.cs): the e2e tests' post steps see what a real post step would.
describe("the runner's file commands, as the tests read them", () => {
  it("a later record of a name replaces an earlier one; name=value lines and heredocs both count", () => {
    const text = 'gpu-bench-run<<EOF\n{"a":1}\nEOF\nother=x=y\ngpu-bench-run<<EOF\n{"a":2}\nEOF\n';
    expect(parseFileCommand(text)).toEqual({ "gpu-bench-run": '{"a":2}', other: "x=y" });
  });

  it("a record cut short (SIGKILL mid-write: no closing delimiter) is dropped, and the records before it stand", () => {
    const whole = 'gpu-bench-run<<ghadelimiter_1\n{"region":"us-west-2","instanceIds":["i-1"]}\nghadelimiter_1\n';
    const torn = 'gpu-bench-run<<ghadelimiter_2\n{"region":"us-west-2","instanceIds":["i-1","i-';
    expect(parseFileCommand(whole + torn)).toEqual({ "gpu-bench-run": '{"region":"us-west-2","instanceIds":["i-1"]}' });
    // Cut after the value's line but before its delimiter: still no record.
    expect(parseFileCommand(`${whole}gpu-bench-run<<ghadelimiter_2\n{}\n`)).toEqual(parseFileCommand(whole));
  });
});
