import assert from "node:assert/strict";
import { join } from "node:path";
import {
  alive,
  descendants,
  inspectNotebook,
  kernelDisplayName,
  labBrowser,
  openNotebook,
  portInUse,
  runAllCells,
  runningKernels,
  startLab,
  stopLab,
} from "./jupyterlab.ts";

const tiny = {
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "Math: $a^2 + b^2$" },
    {
      cell_type: "code",
      id: "a",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: "6 * 7",
    },
    {
      cell_type: "code",
      id: "b",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: 'console.log("to stdout")',
    },
  ],
  metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
};

Deno.test({
  name:
    "JupyterLab driver: deno task lab runs a notebook on the Deno kernel; SIGINT stops it, its kernels and its port",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "course-lab-test-" });
    const file = join(dir, "tiny.ipynb");
    const text = JSON.stringify(tiny, null, 1) + "\n";
    await Deno.writeTextFile(file, text);
    const lab = await startLab({ rootDir: dir });
    let stopped = false;
    const browser = await labBrowser(lab);
    try {
      assert.ok(await portInUse(lab.port), "the lab listens on its port");
      // The token is required: without it the API refuses.
      const anonymous = await fetch(`${lab.origin}/api/contents`);
      await anonymous.body?.cancel();
      assert.equal(anonymous.status, 403);
      assert.ok(
        lab.log().includes(`JupyterLab: ${lab.origin}/lab?token=${lab.token}\n`),
        "the task prints the URL to open, token included",
      );

      const page = await openNotebook(browser, lab, "tiny.ipynb");
      assert.equal(await kernelDisplayName(page), "Deno");
      const seconds = await runAllCells(page);
      assert.ok(seconds > 0);
      const cells = await inspectNotebook(page);
      assert.deepEqual(cells.map((c) => c.type), ["markdown", "code", "code"]);
      // In order over the notebook: Deno's kernel (2.9.6) sometimes publishes a result after it
      // reports the cell done, and JupyterLab then shows it under the next cell (see lab_test.ts).
      assert.deepEqual(
        cells.flatMap((c) => c.outputs.map((o) => o.text.trim())),
        ["42", "to stdout"],
      );
      assert.deepEqual(cells.flatMap((c) => c.errors), []);
      assert.ok(cells[0].formulas >= 1, "the formula is typeset");
      assert.deepEqual(cells[0].rawTex, []);
      const kernels = await runningKernels(lab);
      assert.deepEqual(kernels.map((k) => k.name), ["deno"]);
      assert.deepEqual(browser.blocked, [], "the page tried to reach the network");

      // Stop as a lecturer does (Ctrl-C = SIGINT to the task): task, server and kernel all exit.
      const tree = descendants(lab.process.pid);
      assert.ok(
        tree.length >= 2,
        `the task runs JupyterLab and a kernel (${tree.length} processes)`,
      );
      await browser.close();
      const status = await stopLab(lab);
      stopped = true;
      assert.equal(status.signal, null, "the task exited by itself, not killed");
      assert.equal(status.code, 0);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(tree.filter(alive), [], "processes left behind after Ctrl-C");
      assert.equal(await portInUse(lab.port), false, "the port is still taken");
      assert.match(lab.log(), /received signal 15, stopping|Shutting down/);
      assert.equal(await Deno.readTextFile(file), text, "opening and running changed the notebook");
    } finally {
      if (!stopped) await stopLab(lab, browser);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
