/// The digit pad's one page, served from here (no files on disk): a canvas to draw on with a
/// mouse, pen or finger (pointer events), the top 3 classes as bars, and the 28×28 image the
/// network saw. After each stroke the page posts the whole canvas to /classify, as gray bytes.
///
/// For tests (Scripts/browser/test_digit_pad.py): `#pad` is the canvas, `#answer` the most
/// likely class, `#top .row` the bars (`data-class`, `data-p`), `#seen` the 28×28 image, and
/// `body[data-answered]` counts the answers shown so far.
enum Page {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>nnsh digit pad</title>
    <style>
      body { font: 16px system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
      h1 { font-size: 20px; margin: 0 0 4px; }
      p.hint { margin: 0 0 16px; color: #666; }
      .main { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
      #pad { width: 280px; height: 280px; background: #fff; border: 1px solid #999; border-radius: 4px;
             touch-action: none; cursor: crosshair; display: block; }
      button { margin-top: 8px; font: inherit; padding: 4px 14px; }
      #answer { font-size: 64px; font-weight: 600; line-height: 1; min-height: 64px; }
      #top { width: 260px; margin-top: 12px; }
      .row { display: flex; align-items: center; gap: 8px; margin: 6px 0; }
      .row .label { width: 24px; text-align: right; font-weight: 600; }
      .row .track { flex: 1; height: 18px; background: #e6e6e6; border-radius: 3px; overflow: hidden; }
      .row .bar { height: 100%; background: #3b7dd8; }
      .row .pct { width: 56px; text-align: right; font-variant-numeric: tabular-nums; }
      #seen { width: 140px; height: 140px; image-rendering: pixelated; border: 1px solid #999; background: #000; }
      .caption { color: #666; font-size: 13px; margin-top: 4px; }
      #status { color: #b00; min-height: 20px; margin-top: 8px; }
    </style>
    </head>
    <body data-answered="0">
    <h1>nnsh digit pad</h1>
    <p class="hint">Draw one digit (0–9) with the mouse, a pen or a finger. Each stroke is classified.</p>
    <div class="main">
      <div>
        <canvas id="pad" width="280" height="280"></canvas>
        <button id="clear" type="button">Clear</button>
        <div id="status"></div>
      </div>
      <div>
        <div id="answer"></div>
        <div id="top"></div>
      </div>
      <div>
        <canvas id="seen" width="28" height="28"></canvas>
        <div class="caption">what the network saw (28×28)</div>
      </div>
    </div>
    <script>
    "use strict";
    const pad = document.getElementById("pad");
    const ink = pad.getContext("2d");
    const seen = document.getElementById("seen").getContext("2d");
    const answer = document.getElementById("answer");
    const top3 = document.getElementById("top");
    const status = document.getElementById("status");
    let drawing = null, sent = 0, shown = 0, answered = 0;

    function blank() {
      ink.fillStyle = "#fff";
      ink.fillRect(0, 0, pad.width, pad.height);
      ink.lineWidth = 18; ink.lineCap = "round"; ink.lineJoin = "round"; ink.strokeStyle = "#000";
    }
    function point(e) {
      const r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
    }
    function dot(p) {
      ink.beginPath(); ink.arc(p[0], p[1], ink.lineWidth / 2, 0, 2 * Math.PI); ink.fillStyle = "#000"; ink.fill();
    }
    pad.addEventListener("pointerdown", e => {
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      drawing = { id: e.pointerId, last: point(e) };
      dot(drawing.last);
    });
    pad.addEventListener("pointermove", e => {
      if (!drawing || e.pointerId !== drawing.id) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const c of (events.length ? events : [e])) {
        const p = point(c);
        ink.beginPath(); ink.moveTo(drawing.last[0], drawing.last[1]); ink.lineTo(p[0], p[1]); ink.stroke();
        drawing.last = p;
      }
    });
    function end(e) {
      if (!drawing || e.pointerId !== drawing.id) return;
      drawing = null;
      classify();
    }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    document.getElementById("clear").addEventListener("click", () => {
      blank(); answer.textContent = ""; top3.textContent = ""; status.textContent = "";
      seen.clearRect(0, 0, 28, 28);
    });

    async function classify() {
      const w = pad.width, h = pad.height;
      const rgba = ink.getImageData(0, 0, w, h).data;
      const pixels = new Uint8Array(w * h);
      for (let i = 0; i < w * h; i++) {
        pixels[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
      }
      const number = ++sent;
      try {
        const response = await fetch("/classify?width=" + w + "&height=" + h,
                                     { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: pixels });
        const reply = await response.json();
        if (number < shown) return;
        shown = number;
        if (!response.ok) { status.textContent = reply.error || response.statusText; return; }
        status.textContent = "";
        show(reply);
      } catch (error) {
        status.textContent = "the server did not answer (" + error.message + ")";
      } finally {
        document.body.dataset.answered = String(++answered);
      }
    }

    function show(reply) {
      answer.textContent = reply.top[0].class;
      top3.textContent = "";
      for (const t of reply.top) {
        const row = document.createElement("div");
        row.className = "row"; row.dataset.class = t.class; row.dataset.p = String(t.p);
        const label = document.createElement("span"); label.className = "label"; label.textContent = t.class;
        const track = document.createElement("span"); track.className = "track";
        const bar = document.createElement("div"); bar.className = "bar"; bar.style.width = (100 * t.p).toFixed(1) + "%";
        const pct = document.createElement("span"); pct.className = "pct"; pct.textContent = (100 * t.p).toFixed(1) + "%";
        track.appendChild(bar); row.append(label, track, pct); top3.appendChild(row);
      }
      const image = seen.createImageData(reply.width, reply.height);
      reply.seen.forEach((v, i) => {
        const g = Math.round(255 * v);
        image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = g; image.data[4 * i + 3] = 255;
      });
      seen.putImageData(image, 0, 0);
    }
    blank();
    </script>
    </body>
    </html>
    """#
}
