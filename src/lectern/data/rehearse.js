// lectern rehearse mode: the speaker reads the speech aloud from a prompter they advance themselves, the page
// records the microphone (MediaRecorder, in memory: nothing leaves the machine), times each section from the
// speaker's own advances ("taps") and compares it with the rehearsal audio and the target.
// Every piece of script text reaches the page through textContent, as in page.js.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("lectern-data").textContent);
  var L = data.labels;
  var target = typeof data.summary.target_ms === "number" && data.summary.target_ms > 0 ? data.summary.target_ms : null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function length(ms) {
    return clock(Math.round(Math.max(0, ms) / 1000) * 1000);
  }

  function signed(ms) {
    var rounded = Math.round(ms / 1000) * 1000;
    return (rounded > 0 ? "+" : rounded < 0 ? "−" : "±") + clock(Math.abs(rounded));
  }

  // "{t} — you should be at {section}": the labels say where each piece goes, as each language orders them. The
  // pieces are script text put in as text: the result only ever reaches textContent.
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function sectionName(sec) {
    // As page.js names it: the heading as lectern.model.heading_text writes it.
    return (sec.heading || ((sec.marker || "") + (sec.title || ""))).trim() || "#" + (sec.index + 1);
  }

  // The rehearsal's reference: where each section starts in the voice's audio, and its span to the next start
  // (the pause after a section counts in it, as the timing report counts it).
  var secs = data.sections;
  var total = Math.max(data.duration_ms, secs.length ? secs[secs.length - 1].end_ms : 0) || 1;
  function voiceStart(k) { return secs[k].start_ms; }
  function voiceSpan(k) { return (k + 1 < secs.length ? secs[k + 1].start_ms : total) - secs[k].start_ms; }
  // The target's share of each section: the report's budget (--budget, or in proportion to the section's length
  // at the speaker's pace), else its share of the rehearsal audio.
  var budgets = data.summary.budgets || {};
  var targetStarts = [];
  var targetSpans = [];
  secs.forEach(function (sec, k) {
    var given = budgets[String(sec.index)];
    targetSpans.push(target ? (typeof given === "number" ? given : voiceSpan(k) * target / total) : voiceSpan(k));
    targetStarts.push(k ? targetStarts[k - 1] + targetSpans[k - 1] : 0);
  });
  // The reference the speaker is held to: the target when there is one, else the rehearsal audio.
  function refStart(k, byTarget) { return byTarget ? targetStarts[k] : voiceStart(k); }
  function refSpan(k, byTarget) { return byTarget ? targetSpans[k] : voiceSpan(k); }

  // Sentences in speaking order: the prompter's steps.
  var lines = [];
  secs.forEach(function (sec, k) {
    sec.sentences.forEach(function (s) { lines.push({ text: s.text, section: k }); });
  });

  // --- state ---------------------------------------------------------------------------------------------------

  var state = "closed"; // closed | ready | recording | done
  var pos = -1; // the sentence the speaker is at
  var t0 = 0; // performance.now() when the recording started
  var taps = []; // taps[k]: ms from the recording's start at which the speaker advanced into section k
  var sentenceTaps = []; // the same for each sentence
  var recorder = null;
  var stream = null;
  var chunks = [];
  var audioContext = null;
  var levels = []; // [ms, rms] every LEVEL_MS: the page's own pause detection
  var levelTimer = null;
  var ticker = null;
  var lastTake = null; // {take, blob, url}
  var LEVEL_MS = 30;

  // Times are taken from the events' own stamps (when the key was pressed, when the recorder started), not from
  // when a busy page got round to handling them: the taps must match the recording to the tenth of a second.
  function stamp(e) {
    var now = performance.now();
    return e && e.timeStamp > 0 && e.timeStamp <= now && now - e.timeStamp < 5000 ? e.timeStamp : now;
  }

  function elapsed(at) {
    if (state !== "recording") return 0;
    return Math.max(0, Math.round((at === undefined ? performance.now() : at) - t0));
  }

  // --- the prompter ----------------------------------------------------------------------------------------------

  var lineEls = [];

  function buildPrompter() {
    var prompt = $("rh-prompt");
    var lastSection = -1;
    lines.forEach(function (line, i) {
      if (line.section !== lastSection) {
        lastSection = line.section;
        prompt.appendChild(el("p", "rh-sec", sectionName(secs[line.section])));
      }
      var p = el("p", "rh-line", line.text);
      p.dataset.i = String(i);
      prompt.appendChild(p);
      lineEls.push(p);
    });
    // A tap on the text (a phone on the lectern) goes on, as a clicker does.
    $("rh-stage").addEventListener("click", function (e) { next(stamp(e)); });
  }

  function showLine() {
    lineEls.forEach(function (p, i) {
      p.classList.toggle("now", i === pos);
      p.classList.toggle("done", i < pos);
    });
    var node = lineEls[Math.max(0, pos)];
    if (node) node.scrollIntoView({ block: "center", behavior: "auto" });
  }

  function buildChecks() {
    var list = $("rh-check-list");
    secs.forEach(function (sec, k) {
      var li = el("li", "rh-check");
      li.appendChild(el("span", "rh-check-name", sectionName(sec)));
      var ref = length(voiceStart(k)) + (target ? " · " + length(targetStarts[k]) : "");
      li.appendChild(el("span", "rh-check-ref", ref));
      li.appendChild(el("span", "rh-check-you", ""));
      list.appendChild(li);
    });
  }

  function showChecks() {
    var items = $("rh-check-list").children;
    var here = pos >= 0 && pos < lines.length ? lines[pos].section : -1;
    for (var k = 0; k < items.length; k++) {
      items[k].classList.toggle("now", k === here);
      var you = items[k].querySelector(".rh-check-you");
      if (typeof taps[k] === "number") {
        var expected = refStart(k, !!target);
        you.textContent = length(taps[k]) + " (" + signed(taps[k] - expected) + ")";
      } else {
        you.textContent = "";
      }
    }
  }

  // The reference section at time t: where the speaker should be by the rehearsal or by the target.
  function sectionAt(t, byTarget) {
    var found = 0;
    for (var k = 0; k < secs.length; k++) if (refStart(k, byTarget) <= t) found = k;
    return found;
  }

  // How far ahead (> 0) or behind (< 0) the speaker is: their place in the reference is the start of the section
  // they are in plus the time spent in it, at most its length, since they cannot be past a section they have not
  // left.
  function drift(t, byTarget) {
    var k = pos >= 0 && pos < lines.length ? lines[pos].section : secs.length - 1;
    if (typeof taps[k] !== "number") return 0;
    var place = refStart(k, byTarget) + Math.min(t - taps[k], refSpan(k, byTarget));
    return place - t;
  }

  function tick() {
    var t = elapsed();
    $("rh-clock").textContent = clock(t);
    if (state !== "recording" || !secs.length) return;
    var byTarget = !!target;
    $("rh-should").textContent = fill(L.should_be, {
      t: clock(t), section: sectionName(secs[sectionAt(t, byTarget)]), by: target ? L.by_target : L.by_voice,
    });
    $("rh-should2").textContent = target ? L.by_voice + L.colon + sectionName(secs[sectionAt(t, false)]) : "";
    var d = drift(t, byTarget);
    var bar = $("rh-drift-bar");
    var width = Math.min(50, 50 * Math.abs(d) / 60000); // a minute either way fills the half
    bar.style.width = width.toFixed(1) + "%";
    bar.style.left = d >= 0 ? "50%" : (50 - width).toFixed(1) + "%";
    bar.className = d >= 0 ? "ahead" : "behind";
    var r = Math.round(d / 1000);
    $("rh-drift-text").textContent = r === 0 ? L.on_time : fill(r > 0 ? L.ahead : L.behind, { t: clock(Math.abs(d)) });
  }

  // --- moving through the speech ------------------------------------------------------------------------------------

  function moveTo(i, at) {
    var t = elapsed(at);
    var before = pos >= 0 && pos < lines.length ? lines[pos].section : -1;
    pos = i;
    var after = pos < lines.length ? lines[pos].section : secs.length;
    if (after > before) {
      for (var k = before + 1; k <= after && k < secs.length; k++) taps[k] = t; // a section without sentences
    } else if (after < before) {
      // Went back across a section edge: the later section is entered again when the speaker comes back to it.
      taps.length = after + 1;
    }
    if (i < lines.length) {
      sentenceTaps[i] = t;
      sentenceTaps.length = i + 1;
    }
    showLine();
    showChecks();
    tick();
  }

  function next(at) {
    if (state === "ready") { start(); return; }
    if (state !== "recording") return;
    if (pos + 1 >= lines.length) {
      pos = lines.length; // past the last sentence: the speech is done
      finish(at);
      return;
    }
    moveTo(pos + 1, at);
  }

  function back(at) {
    if (state !== "recording" || pos <= 0) return;
    moveTo(pos - 1, at);
  }

  // --- recording -----------------------------------------------------------------------------------------------

  function message(text) {
    $("rh-message").textContent = text || "";
  }

  function start() {
    if (state !== "ready") return;
    state = "starting";
    $("rh-start").disabled = true;
    // Made now, inside the click or key press: an AudioContext made later (after the permission prompt) may be
    // held suspended by the browser's autoplay rules and hear nothing.
    var Context = window.AudioContext || window.webkitAudioContext;
    try { audioContext = Context ? new Context() : null; } catch (e) { audioContext = null; }
    var media = navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
    // The raw microphone: echo cancellation and automatic gain would reshape the pauses this page measures.
    var asked = media ? navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    }) : Promise.reject(new Error("getUserMedia"));
    asked.then(function (s) {
      stream = s;
      chunks = [];
      var type = ["audio/webm;codecs=opus", "audio/webm", "audio/mp4", "audio/ogg;codecs=opus"].filter(function (m) {
        return window.MediaRecorder && MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(m);
      })[0];
      recorder = type ? new MediaRecorder(s, { mimeType: type }) : new MediaRecorder(s);
      recorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) chunks.push(e.data); });
      recorder.addEventListener("start", function (e) { began(stamp(e)); }, { once: true });
      listen(s);
      recorder.start(1000);
    }).catch(function () {
      // No microphone (refused, absent, or a browser without MediaRecorder): the stopwatch and taps still work.
      release();
      stream = null;
      recorder = null;
      message(L.no_mic);
      began();
    });
  }

  function began(at) {
    t0 = at === undefined ? performance.now() : at;
    state = "recording";
    taps = [];
    sentenceTaps = [];
    levels = [];
    pos = -1;
    document.body.classList.add("rh-recording");
    if (recorder) message("");
    $("rh-start").textContent = L.stop;
    $("rh-start").disabled = false;
    $("rh-rec").hidden = !recorder;
    moveTo(0, t0); // the first section starts with the recording
    keepAwake();
    ticker = setInterval(tick, 200);
  }

  // Loudness every LEVEL_MS from an AnalyserNode, timed on the same clock as the taps.
  function listen(s) {
    if (!audioContext) return;
    try {
      var analyser = audioContext.createAnalyser();
      analyser.fftSize = 1024;
      audioContext.createMediaStreamSource(s).connect(analyser);
      var buffer = new Float32Array(analyser.fftSize);
      if (audioContext.state === "suspended" && audioContext.resume) audioContext.resume();
      levelTimer = setInterval(function () {
        if (state !== "recording") return;
        analyser.getFloatTimeDomainData(buffer);
        var sum = 0;
        for (var i = 0; i < buffer.length; i++) sum += buffer[i] * buffer[i];
        levels.push([Math.round(performance.now() - t0), Math.sqrt(sum / buffer.length)]);
      }, LEVEL_MS);
    } catch (e) {
      audioContext = null; // no pause detection; the taps still time every section
    }
  }

  // A phone on the lectern must not dim its screen mid-speech. Where the browser cannot (no Wake Lock API, or
  // refused), the speaker's taps keep it awake as any touch does.
  var wakeLock = null;

  function keepAwake() {
    if (!navigator.wakeLock || !navigator.wakeLock.request) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      if (state === "recording") wakeLock = lock; else lock.release().catch(function () {});
    }).catch(function () {});
  }

  function release() {
    if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
    if (levelTimer !== null) { clearInterval(levelTimer); levelTimer = null; }
    if (ticker !== null) { clearInterval(ticker); ticker = null; }
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    if (audioContext && audioContext.close) audioContext.close().catch(function () {});
    audioContext = null;
  }

  function finish(at) {
    if (state !== "recording") return;
    var duration = elapsed(at);
    state = "stopping";
    document.body.classList.remove("rh-recording");
    var done = function (blob) {
      release();
      var finishTake = function (heard) {
        heardFrom = heard && heard.length > 10 ? "recording" : levels.length ? "live" : "";
        if (heardFrom === "recording") levels = heard;
        var take = makeTake(duration, blob);
        showResult(take, blob);
        store(take, blob);
      };
      decodeLevels(blob).then(finishTake, function () { finishTake(null); });
    };
    if (recorder && recorder.state !== "inactive") {
      recorder.addEventListener("stop", function () {
        done(new Blob(chunks, { type: recorder.mimeType || (chunks[0] && chunks[0].type) || "audio/webm" }));
      }, { once: true });
      recorder.stop();
    } else {
      done(null);
    }
  }

  // Loudness read back from the recording itself, decoded at a low rate: the pauses are then where they are in the
  // file the speaker saves, whatever the live analyser missed while the machine was busy or the tab hidden. The
  // live levels stay the fallback for a browser that cannot decode its own recording.
  var DECODE_RATE = 8000;
  var heardFrom = ""; // where the last take's pauses were heard: "recording", "live" or nowhere

  function decodeLevels(blob) {
    var Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
    if (!blob || !Offline || !blob.arrayBuffer) return Promise.resolve(null);
    return blob.arrayBuffer().then(function (bytes) {
      var context = new Offline(1, 1, DECODE_RATE);
      return new Promise(function (resolve, reject) {
        var promise = context.decodeAudioData(bytes, resolve, reject);
        if (promise && promise.then) promise.then(resolve, reject);
      });
    }).then(function (buffer) {
      var samples = buffer.getChannelData(0);
      var step = Math.round(buffer.sampleRate * LEVEL_MS / 1000);
      var out = [];
      for (var start = 0; start + step <= samples.length; start += step) {
        var sum = 0;
        for (var i = start; i < start + step; i++) sum += samples[i] * samples[i];
        out.push([Math.round((start + step) * 1000 / buffer.sampleRate), Math.sqrt(sum / step)]);
      }
      return out;
    });
  }

  // --- the take ---------------------------------------------------------------------------------------------------

  // Speech and pauses from the loudness: a frame is voiced when it is well above the room's floor. The floor and
  // the voice's level are read from this recording (quietest and loudest tenth), so no fixed level assumes a
  // microphone. Gaps under MIN_PAUSE_MS are inside words or between them, not pauses.
  var MIN_PAUSE_MS = 250;

  function detectPauses(duration) {
    if (levels.length < 10) return null;
    var db = levels.map(function (f) { return 20 * Math.log10(Math.max(f[1], 1e-6)); });
    var sorted = db.slice().sort(function (a, b) { return a - b; });
    var floor = sorted[Math.floor(sorted.length * 0.1)];
    var peak = sorted[Math.floor(sorted.length * 0.95)];
    if (peak - floor < 12) return null; // no speech over the room's noise, or no silence to tell pauses by
    var threshold = floor + 0.35 * (peak - floor);
    var pauses = []; // [start, end] silent runs
    var runStart = null;
    levels.forEach(function (f, i) {
      var quiet = db[i] < threshold;
      if (quiet && runStart === null) runStart = Math.max(0, f[0] - LEVEL_MS);
      if (!quiet && runStart !== null) {
        pauses.push([runStart, f[0] - LEVEL_MS]);
        runStart = null;
      }
    });
    if (runStart !== null) pauses.push([runStart, duration]);
    pauses = pauses.filter(function (p) { return p[1] - p[0] >= MIN_PAUSE_MS; });
    var silent = pauses.reduce(function (sum, p) { return sum + p[1] - p[0]; }, 0);
    var voiced = levels.filter(function (f, i) { return db[i] >= threshold; });
    return {
      pauses: pauses,
      speaking_ms: Math.max(0, duration - silent),
      last_voice_ms: voiced.length ? voiced[voiced.length - 1][0] : duration,
    };
  }

  function quietWithin(pauses, a, b) {
    return pauses.reduce(function (sum, p) { return sum + Math.max(0, Math.min(b, p[1]) - Math.max(a, p[0])); }, 0);
  }

  function pace(units, ms) {
    return ms > 0 ? Math.round(units / (ms / 60000) * 10) / 10 : null;
  }

  // The take in lectern's take schema (lectern.rehearse.take, "lectern.take/1"), which `lectern take OUT RECORDING
  // --taps TAKE.json` reads. The page knows each section's start exactly (the speaker's taps); it does not align
  // the recording, so "confidence" is left to `lectern take`.
  function makeTake(duration, blob) {
    var heard = detectPauses(duration);
    var tapped = [];
    for (var k = 0; k < secs.length; k++) if (typeof taps[k] === "number") tapped.push(k);
    var finished = pos >= lines.length;
    // The last section reached ends where the voice was last heard (the speaker may click Finish a while later).
    var speechEnd = duration;
    if (heard && tapped.length && heard.last_voice_ms > taps[tapped[tapped.length - 1]]) {
      speechEnd = Math.min(duration, heard.last_voice_ms + LEVEL_MS);
    }
    var quiet = heard ? heard.pauses : [];
    var units = 0;
    var sections = tapped.map(function (k, j) {
      var startMs = taps[k];
      var endMs = j + 1 < tapped.length ? taps[tapped[j + 1]] : speechEnd;
      var whole = j + 1 < tapped.length || finished; // a section the speaker stopped in has no pace of its own
      if (whole) units += secs[k].units;
      return {
        index: secs[k].index,
        title: sectionName(secs[k]),
        start_ms: startMs,
        end_ms: endMs,
        voice_ms: voiceSpan(k),
        pace: whole ? pace(secs[k].units, endMs - startMs) : null,
        speaking_ms: Math.max(0, endMs - startMs - quietWithin(quiet, startMs, endMs)),
      };
    });
    var spoken = 0;
    sections.forEach(function (s) { if (s.pace !== null) spoken += s.end_ms - s.start_ms; });
    var speaking = heard ? heard.speaking_ms : sections.reduce(function (sum, s) { return sum + s.speaking_ms; }, 0);
    var sentences = [];
    for (var i = 0; i < sentenceTaps.length && i < lines.length; i++) {
      var end = i + 1 < sentenceTaps.length ? sentenceTaps[i + 1] : speechEnd;
      sentences.push({ index: i, start_ms: sentenceTaps[i], end_ms: Math.max(sentenceTaps[i], end) });
    }
    var sectionOf = function (ms) {
      var found = tapped.length ? tapped[0] : 0;
      tapped.forEach(function (k) { if (taps[k] <= ms) found = k; });
      return secs.length ? secs[found].index : 0;
    };
    var stamp = new Date();
    var name = "take-" + stamp.getFullYear() + String(stamp.getMonth() + 1).padStart(2, "0") +
      String(stamp.getDate()).padStart(2, "0") + "-" + String(stamp.getHours()).padStart(2, "0") +
      String(stamp.getMinutes()).padStart(2, "0") + String(stamp.getSeconds()).padStart(2, "0");
    var warnings = [];
    if (!heard) warnings.push(blob ? "no pauses heard: speaking time is the sections' length" : "no recording");
    return {
      schema: "lectern.take/1",
      recording: blob ? name + "." + extension(blob.type) : "",
      duration_ms: duration,
      speaking_ms: speaking,
      pause_ms: Math.max(0, duration - speaking),
      pace: pace(units, spoken),
      sections: sections,
      sentences: sentences,
      confidence: null,
      taps: tapped.map(function (k) { return { section: secs[k].index, ms: taps[k] }; }),
      language: data.lang === "en" ? "en" : "zh",
      pace_unit: data.summary.pace_unit,
      created: stamp.toISOString().replace(/\.\d+Z$/, "Z"),
      source: "page",
      // Pauses inside the speech only: the silence before the first word and after the last is not the speaker's.
      pauses: quiet.filter(function (p) { return p[0] > 0 && p[1] < speechEnd; })
        .sort(function (a, b) { return (b[1] - b[0]) - (a[1] - a[0]); })
        .map(function (p) { return { start_ms: p[0], ms: p[1] - p[0], section: sectionOf(p[0]) }; }),
      stopped_at: finished || pos < 0 ? null : pos,
      warnings: warnings,
    };
  }

  function extension(type) {
    if (/mp4|aac|m4a/.test(type || "")) return "m4a";
    if (/ogg/.test(type || "")) return "ogg";
    return "webm";
  }

  // --- the result ---------------------------------------------------------------------------------------------------

  function showResult(take, blob) {
    state = "done";
    if (lastTake && lastTake.url) URL.revokeObjectURL(lastTake.url);
    lastTake = { take: take, blob: blob, url: blob ? URL.createObjectURL(blob) : null };
    window.lectern.lastTake = take;
    $("rh-body").hidden = true;
    $("rh-result").hidden = false;
    $("rehearse").classList.add("rh-done");
    $("rh-rec").hidden = true;
    $("rh-clock").textContent = length(take.duration_ms); // rounded, as the table and the report round
    message("");
    $("rh-start").textContent = L.start;
    $("rh-start").disabled = true;
    var player = $("rh-audio");
    player.hidden = !blob;
    if (blob) player.src = lastTake.url;
    $("rh-save").disabled = !blob;
    renderFigures(take);
    renderTable(take);
    renderPauses(take);
    renderHistory();
  }

  function renderFigures(take) {
    var dl = $("rh-figures");
    dl.textContent = "";
    function figure(label, value) {
      var div = el("div");
      div.appendChild(el("dt", "", label));
      div.appendChild(el("dd", "", value));
      dl.appendChild(div);
    }
    figure(L.your_total, length(take.duration_ms));
    figure(L.voice_total, length(total));
    if (target) figure(L.target, length(target));
    figure(L.speaking, length(take.speaking_ms));
    figure(L.pause, length(take.pause_ms));
    if (take.pace !== null) figure(L.pace, Math.round(take.pace) + " " + data.summary.pace_unit);
  }

  function jump(ms) {
    var player = $("rh-audio");
    if (!lastTake || !lastTake.url) return;
    player.currentTime = ms / 1000;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  // Rushed or dragged: against the speaker's own average ratio to the voice, so a speaker who is slower than the
  // synthetic voice throughout is not told every section dragged.
  // A section the speaker stopped in (no pace of its own) is left out: 0:05 of a 3:01 section is not a pace.
  function judge(take) {
    var yours = 0, voice = 0;
    take.sections.forEach(function (s) {
      if (s.pace === null) return;
      yours += s.end_ms - s.start_ms;
      voice += s.voice_ms;
    });
    var ratio = voice ? yours / voice : 1;
    var out = {};
    take.sections.forEach(function (s) {
      if (s.voice_ms < 5000 || s.pace === null) return;
      var r = (s.end_ms - s.start_ms) / s.voice_ms / ratio;
      if (r > 1.2) out[s.index] = L.dragged; else if (r < 0.8) out[s.index] = L.rushed;
    });
    return out;
  }

  function renderTable(take) {
    var head = $("rh-table").tHead;
    var body = $("rh-table").tBodies[0];
    head.textContent = "";
    body.textContent = "";
    var cols = ["#", L.section, L.your_start, L.your_time, L.voice_time];
    if (target) cols.push(L.target_time);
    cols.push(L.diff, L.pace, "");
    var tr = el("tr");
    cols.forEach(function (c) { tr.appendChild(el("th", "", c)); });
    head.appendChild(tr);
    var flags = judge(take);
    var byIndex = {};
    take.sections.forEach(function (s) { byIndex[s.index] = s; });
    secs.forEach(function (sec, k) {
      var s = byIndex[sec.index];
      var row = el("tr", s ? "" : "rh-missed");
      row.appendChild(el("td", "num", String(k + 1)));
      var name = el("td", "rh-name");
      var link = el("button", "rh-jump", sectionName(sec));
      link.type = "button";
      link.disabled = !s || !lastTake.url;
      if (s) link.addEventListener("click", function () { jump(s.start_ms); });
      name.appendChild(link);
      row.appendChild(name);
      var yours = s ? s.end_ms - s.start_ms : null;
      var expected = refSpan(k, !!target);
      row.appendChild(el("td", "num", s ? length(s.start_ms) : L.not_reached));
      row.appendChild(el("td", "num", s ? length(yours) : ""));
      row.appendChild(el("td", "num", length(voiceSpan(k))));
      if (target) row.appendChild(el("td", "num", length(expected)));
      // The section stopped in has no difference: its time covers only the part that was said.
      row.appendChild(el("td", "num", s && s.pace !== null ? signed(yours - expected) : ""));
      row.appendChild(el("td", "num", s && s.pace !== null ? Math.round(s.pace) + " " + data.summary.pace_unit : ""));
      row.appendChild(el("td", "flag", s && flags[s.index] ? flags[s.index] : ""));
      body.appendChild(row);
    });
  }

  function renderPauses(take) {
    var box = $("rh-pauses");
    box.textContent = "";
    var longest = take.pauses.slice(0, 5);
    if (!longest.length) return;
    box.appendChild(el("span", "notice-label", L.longest_pauses + L.colon));
    longest.forEach(function (p) {
      var chip = el("button", "rh-pause", clock(p.start_ms) + " " + (p.ms / 1000).toFixed(1) + " " + L.seconds);
      chip.type = "button";
      chip.addEventListener("click", function () { jump(Math.max(0, p.start_ms - 1500)); });
      box.appendChild(chip);
    });
  }

  function download(blob, name) {
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
  }

  function save() {
    if (!lastTake || !lastTake.blob) return;
    var take = lastTake.take;
    download(lastTake.blob, take.recording);
    var json = JSON.stringify(take, null, 2) + "\n";
    download(new Blob([json], { type: "application/json" }), take.recording.replace(/\.[a-z0-9]+$/, "") + ".json");
  }

  // --- takes kept in the browser (IndexedDB) ---------------------------------------------------------------------

  // Every page opened from file:// shares one database, so each take carries its speech's id.
  var DB_NAME = "lectern-takes";
  var memory = []; // when IndexedDB is refused (a private window): this visit's takes only

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request;
      try { request = indexedDB.open(DB_NAME, 1); } catch (e) { reject(e); return; }
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore("takes", { keyPath: "id", autoIncrement: true });
        store.createIndex("speech", "speech");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("takes", mode);
        var result = work(tx.objectStore("takes"));
        tx.oncomplete = function () { db.close(); resolve(result.value); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function store(take, blob) {
    var record = { speech: data.speech_id, take: take, audio: blob };
    withStore("readwrite", function (s) { s.add(record); return {}; })
      .catch(function () { memory.push(record); })
      .then(renderHistory);
  }

  function loadTakes() {
    return withStore("readonly", function (s) {
      var out = { value: [] };
      s.index("speech").openCursor(IDBKeyRange.only(data.speech_id)).onsuccess = function (e) {
        var cursor = e.target.result;
        if (cursor) { out.value.push(cursor.value.take); cursor.continue(); }
      };
      return out;
    }).catch(function () { return memory.map(function (r) { return r.take; }); });
  }

  function clearTakes() {
    memory = memory.filter(function (r) { return r.speech !== data.speech_id; });
    return withStore("readwrite", function (s) {
      s.index("speech").openCursor(IDBKeyRange.only(data.speech_id)).onsuccess = function (e) {
        var cursor = e.target.result;
        if (cursor) { cursor.delete(); cursor.continue(); }
      };
      return {};
    }).catch(function () {}).then(renderHistory);
  }

  var HISTORY_ROWS = 12;

  // One bar per take, as long as the take, cut into its sections; the rehearsal audio and the target above them.
  function renderHistory() {
    return loadTakes().then(function (takes) {
      var box = $("rh-history");
      box.textContent = "";
      if (!takes.length) { box.appendChild(el("p", "note", L.no_history)); return; }
      var rows = [{ label: L.voice_total, total: total, parts: secs.map(function (s, k) { return [k, voiceSpan(k)]; }) }];
      if (target) rows.push({ label: L.target, total: target, parts: secs.map(function (s, k) { return [k, targetSpans[k]]; }) });
      // The last HISTORY_ROWS takes: enough to see a trend, few enough to read.
      var first = Math.max(0, takes.length - HISTORY_ROWS);
      takes.slice(first).forEach(function (take, shown) {
        var n = first + shown;
        var position = {};
        secs.forEach(function (s, k) { position[s.index] = k; });
        rows.push({
          label: fill(L.take_label, { n: n + 1 }),
          when: take.created ? take.created.slice(0, 16).replace("T", " ") : "",
          total: take.duration_ms,
          parts: (take.sections || []).map(function (s) { return [position[s.index] || 0, s.end_ms - s.start_ms]; }),
          take: true,
        });
      });
      var longest = Math.max.apply(null, rows.map(function (r) { return r.total; }).concat([1]));
      rows.forEach(function (r) {
        var row = el("div", "rh-hrow" + (r.take ? " rh-htake" : ""));
        var label = el("span", "rh-hlabel", r.label);
        if (r.when) label.title = r.when;
        row.appendChild(label);
        var track = el("span", "rh-htrack");
        r.parts.forEach(function (part) {
          var seg = el("span", "rh-hseg s" + (part[0] % 6));
          seg.style.width = (100 * Math.max(0, part[1]) / longest).toFixed(2) + "%";
          seg.title = sectionName(secs[part[0]]) + " " + length(part[1]);
          track.appendChild(seg);
        });
        row.appendChild(track);
        row.appendChild(el("span", "rh-hvalue", length(r.total)));
        box.appendChild(row);
      });
    });
  }

  // --- opening, leaving ----------------------------------------------------------------------------------------------

  var SIZES = [1.6, 2, 2.5, 3.2, 4, 5, 6.4];
  var size = 2;

  function setSize(step) {
    size = Math.max(0, Math.min(SIZES.length - 1, size + step));
    $("rehearse").style.setProperty("--rh-size", SIZES[size] + "rem");
    try { localStorage.setItem("lectern.rehearseSize", String(size)); } catch (e) { /* private mode */ }
    if (pos >= 0) showLine();
  }

  function toggleMirror() {
    var on = $("rehearse").classList.toggle("mirror");
    $("rh-mirror").setAttribute("aria-pressed", String(on));
  }

  // The page behind the rehearse screen is out of reach while it is open: Tab went on to its contents and its
  // Play button, which would play the rehearsal's voice into the microphone during a take.
  function pageBehind(reachable) {
    ["top", "layout", "player"].forEach(function (id) {
      var node = $(id);
      if (node) node.toggleAttribute("inert", !reachable);
    });
  }

  function open() {
    var player = $("audio");
    if (player && !player.paused) player.pause();
    state = "ready";
    pos = -1;
    taps = [];
    sentenceTaps = [];
    document.body.classList.add("rehearsing");
    pageBehind(false);
    $("rehearse").hidden = false;
    $("rh-body").hidden = false;
    $("rh-result").hidden = true;
    $("rehearse").classList.remove("rh-done");
    $("rh-start").textContent = L.start;
    $("rh-start").disabled = false;
    $("rh-rec").hidden = true;
    $("rh-should").textContent = "";
    $("rh-should2").textContent = "";
    $("rh-drift-text").textContent = "";
    $("rh-drift-bar").style.width = "0";
    message(L.rh_ready);
    lineEls.forEach(function (p) { p.classList.remove("now", "done"); });
    showChecks();
    tick();
    var stage = $("rh-stage");
    stage.scrollTop = 0;
  }

  function leave() {
    if (state === "recording") { finish(); return; }
    if (state === "starting" || state === "stopping") return;
    release();
    var player = $("rh-audio");
    if (!player.paused) player.pause();
    state = "closed";
    document.body.classList.remove("rehearsing");
    $("rehearse").hidden = true;
    pageBehind(true);
    $("rehearse-open").focus();
  }

  function wire() {
    $("rehearse-open").textContent = L.rehearse;
    $("rehearse-open").addEventListener("click", open);
    $("rh-start").addEventListener("click", function () {
      if (state === "ready") start(); else if (state === "recording") finish();
    });
    $("rh-back").textContent = L.back;
    $("rh-back").addEventListener("click", function (e) { back(stamp(e)); });
    $("rh-next").textContent = L.next;
    $("rh-next").addEventListener("click", function (e) { next(stamp(e)); });
    $("rh-mirror").textContent = L.mirror;
    $("rh-mirror").addEventListener("click", toggleMirror);
    $("rh-smaller").title = L.smaller;
    $("rh-smaller").addEventListener("click", function () { setSize(-1); });
    $("rh-larger").title = L.larger;
    $("rh-larger").addEventListener("click", function () { setSize(1); });
    $("rh-leave").textContent = L.leave;
    $("rh-leave").addEventListener("click", leave);
    $("rh-checks-label").textContent = L.checkpoints;
    $("rh-result-label").textContent = L.result;
    $("rh-save").textContent = L.save_take;
    $("rh-save").addEventListener("click", save);
    $("rh-again").textContent = L.again;
    $("rh-again").addEventListener("click", open);
    $("rh-close").textContent = L.leave;
    $("rh-close").addEventListener("click", leave);
    $("rh-stored").textContent = L.stored;
    $("rh-history-label").textContent = L.history;
    $("rh-rec").textContent = "● " + L.recording;
    $("rh-keys").textContent = L.rehearse_keys;
    var clear = $("rh-clear");
    var armed = null;
    clear.textContent = L.clear;
    // Two clicks, not a confirm() dialog: a dialog would stop a speaker using a clicker.
    clear.addEventListener("click", function () {
      if (armed === null) {
        clear.textContent = L.clear_confirm;
        armed = setTimeout(function () { armed = null; clear.textContent = L.clear; }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = null;
      clear.textContent = L.clear;
      clearTakes();
    });

    // Keys while rehearsing (page.js leaves them to this handler). Buttons keep focus after a click; a clicker's
    // space or arrow must still move the prompter, not press the button again.
    document.addEventListener("keydown", function (e) {
      if (state === "closed" || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      var handled = true;
      var inResult = state === "done";
      switch (e.key) {
        case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "Spacebar":
          if (inResult) { handled = false; break; }
          next(stamp(e));
          break;
        case "ArrowLeft": case "ArrowUp": case "PageUp":
          if (inResult) { handled = false; break; }
          back(stamp(e));
          break;
        case "Escape": leave(); break;
        case "m": case "M": toggleMirror(); break;
        case "+": case "=": setSize(1); break;
        case "-": case "_": setSize(-1); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
    try {
      var saved = localStorage.getItem("lectern.rehearseSize");
      if (saved !== null && Number(saved) >= 0 && Number(saved) < SIZES.length) size = Number(saved);
    } catch (e) { /* storage refused: the default size */ }
    setSize(0);
  }

  buildPrompter();
  buildChecks();
  wire();
  window.lectern = window.lectern || {};
  window.lectern.rehearse = {
    state: function () { return state; },
    taps: function () { return taps.slice(); },
    heardFrom: function () { return heardFrom; },
    loadTakes: loadTakes,
  };
})();
