/** The one place that decides exit codes: every kind of error that can end a command. */

import assert from "node:assert/strict";
import { CommanderError } from "commander";
import { ConfigurationError, TransientError } from "../../src/errors/mod.ts";
import { EXIT, exitCodeOfStop, ExitError, exitOfError, UsageError } from "../../src/exit/mod.ts";
import { PathError } from "../../src/inputs/mod.ts";

Deno.test("exitOfError: usage 2, configuration 2, outage 3, ExitError its own, anything else 1", () => {
  const cases: Array<[unknown, number, RegExp]> = [
    [new CommanderError(1, "commander.unknownOption", "unknown option"), EXIT.usage, /^$/],
    [new CommanderError(1, "commander.missingArgument", "missing"), EXIT.usage, /^$/],
    [new CommanderError(0, "commander.helpDisplayed", "(help)"), EXIT.ok, /^$/],
    [new CommanderError(0, "commander.version", "0.1.0"), EXIT.ok, /^$/],
    [new CommanderError(0, "commander.help", "(outputHelp)"), EXIT.ok, /^$/], // `help`
    [new CommanderError(1, "commander.help", "(outputHelp)"), EXIT.usage, /^$/], // no command
    [new ExitError("verify: stop", 3), 3, /^verify: stop$/],
    [new UsageError("bad"), EXIT.usage, /^error: bad$/],
    [new PathError("x.json: no such file or directory"), EXIT.usage, /x\.json/],
    [new ConfigurationError("credentials refused"), EXIT.configuration, /credentials/],
    [new TransientError("down"), EXIT.transient, /^error: down$/],
    [new Deno.errors.NotCapable("Requires net access"), EXIT.configuration, /permission refused/],
    [new Error("boom"), EXIT.failed, /^error: boom$/],
  ];
  for (const [error, code, message] of cases) {
    const exit = exitOfError(error);
    assert.equal(exit.code, code, String(error));
    assert.match(exit.message, message, String(error));
  }
});

Deno.test("exitCodeOfStop: a run's stop decides its code", () => {
  assert.equal(exitCodeOfStop(undefined), EXIT.ok);
  assert.equal(exitCodeOfStop({ kind: "transient" }), EXIT.transient);
  assert.equal(exitCodeOfStop({ kind: "configuration" }), EXIT.configuration);
  assert.equal(exitCodeOfStop({ kind: "errors" }), EXIT.failed);
});
