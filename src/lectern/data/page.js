// lectern rehearsal page. Inlined into index.html by lectern.writers.page; works from file:// with no network.
// Every piece of script text reaches the page through textContent, never parsed as HTML: a downloaded speech may
// contain markup, and it must only ever be shown as text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("lectern-data").textContent);
  var L = data.labels;
  var audio = document.getElementById("audio");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Flat lists in speaking order; every time is integer ms from the measured audio.
  var sentences = []; // {start, end, el, section}
  var sections = []; // {start, end, el, tocEl}

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Lengths and starts in the contents, summary and chart are rounded to the nearest second, as the timing report
  // prints them (lectern.timecode.clock): a page saying "Pauses 0:49" beside a report saying 0:50 looks wrong.
  // Only the running clock counts down whole seconds, like every player.
  function length(ms) {
    return clock(Math.round(Math.max(0, ms) / 1000) * 1000);
  }

  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + sec : m + ":" + sec;
  }

  // A section's share of the audio runs to the next section's start, so the pause after it counts and the
  // lengths add up to the whole (as the timing report counts them).
  function spanMs(si) {
    var next = data.sections[si + 1];
    var sec = data.sections[si];
    return Math.max(0, (next ? next.start_ms : Math.max(data.duration_ms, sec.end_ms)) - sec.start_ms);
  }

  // 125 bars (120 （N） items under three 一、 headings) push the script two screens down and say nothing a reader
  // can take in. Past CHART_ROWS sections only the shallowest levels that fit are charted, each bar running to the
  // next charted section, so deeper sections fold into their heading, as the cue sheet keeps its 99 tracks. The
  // contents still list every section.
  var CHART_ROWS = 30;

  function chartedSections() {
    var all = data.sections.map(function (sec, si) { return si; });
    if (all.length <= CHART_ROWS) return all;
    var levels = data.sections.map(function (sec) { return Math.max(sec.level, 1); })
      .filter(function (level, i, list) { return list.indexOf(level) === i; })
      .sort(function (a, b) { return a - b; });
    var kept = null;
    for (var i = 0; i < levels.length; i++) {
      var shallower = all.filter(function (si) { return data.sections[si].level <= levels[i]; });
      if (kept !== null && shallower.length > CHART_ROWS) break;
      kept = shallower;
    }
    return kept;
  }

  function sectionName(sec) {
    // The heading as lectern.model.heading_text writes it ("I. Where We Stand" keeps its space, "一是…" has none).
    return (sec.heading || ((sec.marker || "") + (sec.title || ""))).trim() || "#" + (sec.index + 1);
  }

  // --- building the page -------------------------------------------------------------------------------------

  function buildHeader() {
    var title = data.title || "";
    document.getElementById("title").textContent = title;
    var bits = [];
    if (data.speaker) bits.push(data.speaker);
    (data.meta || []).forEach(function (kv) {
      // "——2024年1月16日在…会议上": the dash sets a subtitle under the title on paper; after " · " it doubles it.
      var value = String(kv[1] || "").replace(/^[\s—–―-]+/, "");
      if (value && kv[1] !== data.speaker) bits.push(value);
    });
    document.getElementById("meta").textContent = bits.join(" · ");
  }

  function buildScript() {
    var changed = {};
    (data.changed || []).forEach(function (i) { changed[i] = true; });
    var article = document.getElementById("script");
    var toc = document.getElementById("toc-list");
    data.sections.forEach(function (sec, si) {
      var box = el("section", "sec level-" + Math.min(sec.level, 3));
      box.id = "sec-" + si;
      var head = el(sec.level >= 2 ? "h3" : "h2", "sec-head");
      head.appendChild(el("span", "sec-name", sectionName(sec)));
      head.appendChild(el("span", "sec-time", length(sec.start_ms) + " · " + length(spanMs(si))));
      head.addEventListener("click", function () { jumpToSection(si, true); });
      box.appendChild(head);

      var breaks = sec.breaks || [];
      var para = el("p", "para");
      sec.sentences.forEach(function (s, j) {
        if (j > 0 && breaks.indexOf(j) >= 0) {
          box.appendChild(para);
          para = el("p", "para");
        }
        var span = el("span", "s");
        span.dataset.i = String(sentences.length);
        if (changed[sentences.length]) span.classList.add("changed");
        (s.parts || [["", s.text]]).forEach(function (part) {
          if (part[0]) {
            var mark = el("mark", part[0], part[1]);
            if (part[0] === "unk") mark.title = L.unknown_markers;
            span.appendChild(mark);
          } else {
            span.appendChild(document.createTextNode(part[1]));
          }
        });
        var notes = [];
        if (s.spoken) notes.push(L.read_as + L.colon + s.spoken);
        if (s.rate && s.rate !== 1) {
          span.classList.add(s.rate < 1 ? "slower" : "faster");
          notes.push((s.rate < 1 ? L.slower : L.faster) + " " + s.rate.toFixed(2) + "×");
        }
        if (notes.length) span.title = notes.join(" · ");
        para.appendChild(span);
        (s.pauses || []).forEach(function (p) {
          // Applause is a stage note the speaker waits through: named, not just a symbol.
          var sym = p[0] === "applause" ? L.applause : p[0] === "breath" ? "ˇ" : "‖";
          var chip = el("span", "pz pz-" + p[0], sym);
          chip.title = (L[p[0]] || p[0]) + " " + (p[1] / 1000).toFixed(1) + " " + L.seconds;
          chip.setAttribute("aria-label", chip.title);
          para.appendChild(chip);
        });
        para.appendChild(document.createTextNode(data.lang === "en" ? " " : ""));
        sentences.push({ start: s.start_ms, end: s.end_ms, el: span, section: si });
      });
      box.appendChild(para);
      article.appendChild(box);

      var li = el("li", "lvl-" + Math.min(sec.level, 3));
      var a = el("a", "", sectionName(sec));
      a.href = "#sec-" + si;
      a.addEventListener("click", function (e) { e.preventDefault(); jumpToSection(si, true); });
      li.appendChild(a);
      li.appendChild(el("span", "toc-time", length(sec.start_ms)));
      li.appendChild(el("span", "toc-dur", length(spanMs(si))));
      toc.appendChild(li);
      sections.push({ start: sec.start_ms, end: sec.end_ms, el: box, tocEl: li });
    });
    article.addEventListener("click", function (e) {
      var target = e.target.closest ? e.target.closest(".s") : null;
      if (target) playFrom(sentences[Number(target.dataset.i)].start);
    });
  }

  function buildSummary() {
    var sum = data.summary;
    var box = document.getElementById("summary");
    box.appendChild(el("h2", "", L.summary));
    var dl = el("dl", "figures");
    function figure(label, value) {
      if (value === null || value === undefined || value === "") return;
      var div = el("div");
      div.appendChild(el("dt", "", label));
      div.appendChild(el("dd", "", value));
      dl.appendChild(div);
    }
    figure(L.total, length(sum.total_ms));
    figure(L.speaking, length(sum.speaking_ms));
    figure(L.pause, length(sum.pause_ms));
    if (typeof sum.pace === "number") {
      figure(L.pace, Math.round(sum.pace) + " " + sum.pace_unit + (sum.flag ? " · " + (L[sum.flag] || sum.flag) : ""));
    }
    if (typeof sum.target_ms === "number") figure(L.target, length(sum.target_ms));
    box.appendChild(dl);
    (sum.notes || []).forEach(function (note) { box.appendChild(el("p", "note", note)); });

    // The chart: one bar per section, as long as the section, so the speaker sees where the time goes.
    var rows = chartedSections();
    var spans = rows.map(function (si, k) {
      var next = rows[k + 1];
      var end = next === undefined ? Math.max(data.duration_ms, data.sections[si].end_ms) : data.sections[next].start_ms;
      return Math.max(0, end - data.sections[si].start_ms);
    });
    var longest = Math.max.apply(null, spans.concat([1]));
    var chart = el("div", "chart");
    chart.setAttribute("role", "list");
    chart.setAttribute("aria-label", L.chart);
    rows.forEach(function (si, k) {
      var sec = data.sections[si];
      var dur = spans[k];
      // A bar that folds deeper sections in has no pace of its own to show: the report's is the heading's alone.
      var folded = rows[k + 1] !== undefined ? rows[k + 1] !== si + 1 : si !== data.sections.length - 1;
      var info = folded ? {} : (sum.sections || {})[String(sec.index)] || {};
      var row = el("div", "bar-row" + (info.flag ? " " + info.flag : ""));
      row.setAttribute("role", "listitem");
      row.appendChild(el("span", "bar-name", sectionName(sec)));
      var track = el("span", "bar-track");
      var bar = el("span", "bar");
      bar.style.width = (100 * dur / longest).toFixed(1) + "%";
      track.appendChild(bar);
      row.appendChild(track);
      var text = length(dur);
      if (typeof info.pace === "number") text += " · " + Math.round(info.pace) + " " + sum.pace_unit;
      if (info.flag) text += " · " + (L[info.flag] || info.flag);
      row.appendChild(el("span", "bar-value", text));
      row.addEventListener("click", function () { jumpToSection(si, true); });
      chart.appendChild(row);
    });
    box.appendChild(chart);
  }

  function buildNotices() {
    var box = document.getElementById("notices");
    function list(label, items, kind) {
      if (!items || !items.length) return;
      var p = el("p", "notice");
      p.appendChild(el("span", "notice-label", label + L.colon));
      items.forEach(function (item, k) {
        if (k) p.appendChild(document.createTextNode(" "));
        p.appendChild(el("mark", kind, item[0]));
        p.appendChild(document.createTextNode("×" + item[1]));
      });
      box.appendChild(p);
    }
    list(L.placeholders, data.placeholders, "ph");
    list(L.unknown_markers, data.unknown_markers, "unk");
    // A rebuild of the same folder (lectern watch, or build again after an edit): the sentences that are new
    // since the last build are marked, and one button plays them in turn.
    if ((data.changed || []).length) {
      var p = el("p", "notice changes");
      p.appendChild(el("span", "notice-label", L.changed.replace("{n}", String(data.changed.length))));
      var next = el("button", "", L.next_change);
      next.type = "button";
      next.id = "next-change";
      next.addEventListener("click", playNextChange);
      p.appendChild(next);
      box.appendChild(p);
    }
  }

  function playNextChange() {
    var t = nowMs();
    var later = data.changed.filter(function (i) { return sentences[i] && sentences[i].start > t + 50; });
    var i = later.length ? later[0] : data.changed[0];
    if (!sentences[i]) return;
    playFrom(sentences[i].start);
    keepInView(sentences[i].el);
  }

  // --- where we are ------------------------------------------------------------------------------------------

  function nowMs() {
    return Math.round(audio.currentTime * 1000);
  }

  // The last item whose start is ≤ t: the sentence whose [start, next start) contains t; -1 before the first.
  function indexAt(list, t) {
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function sectionEnd(si) {
    return si + 1 < sections.length ? sections[si + 1].start : Math.max(data.duration_ms, sections[si].end);
  }

  var current = -1;
  var follow = true;

  function highlight(i) {
    if (i === current) return;
    if (current >= 0) sentences[current].el.classList.remove("now");
    var oldSec = current >= 0 ? sentences[current].section : -1;
    current = i;
    if (i < 0) return;
    var s = sentences[i];
    s.el.classList.add("now");
    if (s.section !== oldSec) {
      sections.forEach(function (sec, k) { sec.tocEl.classList.toggle("now", k === s.section); });
      keepTocInView(sections[s.section].tocEl);
    }
    if (follow) keepInView(s.el);
  }

  // A long contents scrolls in its own box beside the script: the current entry is kept in sight there (only
  // the box scrolls, never the page).
  function keepTocInView(li) {
    var nav = document.getElementById("toc");
    if (nav.scrollHeight <= nav.clientHeight + 1) return;
    var box = nav.getBoundingClientRect();
    var rect = li.getBoundingClientRect();
    if (!rect.height || (rect.top >= box.top && rect.bottom <= box.bottom)) return;
    nav.scrollTop += rect.top - box.top - (box.height - rect.height) / 2;
  }

  function keepInView(node) {
    var rect = node.getBoundingClientRect();
    var bottom = window.innerHeight - document.getElementById("player").offsetHeight;
    var prompter = document.body.classList.contains("prompter");
    if (prompter || rect.top < 0 || rect.bottom > bottom) {
      node.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
    }
  }

  // --- practice modes ----------------------------------------------------------------------------------------

  var loopSection = -1;
  var echo = false;
  var echoArmed = -1; // the sentence heard from before its end: echo pauses when it ends
  var echoTimer = null;

  function cancelEcho() {
    if (echoTimer !== null) { clearTimeout(echoTimer); echoTimer = null; }
    document.getElementById("echo-turn").hidden = true;
    document.body.classList.remove("echo-wait");
  }

  function echoPause(i) {
    var s = sentences[i];
    var wait = (s.end - s.start) / (audio.playbackRate || 1);
    audio.pause();
    var turn = document.getElementById("echo-turn");
    turn.textContent = L.echo_turn + " " + (wait / 1000).toFixed(1) + " " + L.seconds;
    turn.hidden = false;
    document.body.classList.add("echo-wait");
    echoTimer = setTimeout(function () {
      echoTimer = null;
      cancelEcho();
      play();
    }, wait);
  }

  function tick() {
    var t = nowMs();
    if (loopSection >= 0 && !audio.paused && t >= sectionEnd(loopSection)) {
      seek(sections[loopSection].start);
      return;
    }
    var i = indexAt(sentences, t);
    highlight(i);
    if (echo && !audio.paused && i >= 0) {
      var s = sentences[i];
      // Unrounded: nowMs() rounds to the ms, which paused at 1849.6 for a sentence ending at 1850, before its end.
      if (audio.currentTime * 1000 < s.end) {
        echoArmed = i;
      } else if (echoArmed === i) {
        echoArmed = -1;
        echoPause(i);
      }
    }
    // Written only when they change: this runs on every animation frame, and a phone's battery notices.
    // The running time counts whole seconds like any player; the total is rounded like every other length (the
    // summary said 2:34 where the player said 2:33).
    var shownClock = clock(t) + " / " + length(data.duration_ms);
    if (shownClock !== lastClock) {
      lastClock = shownClock;
      document.getElementById("clock").textContent = shownClock;
    }
    var step = Math.floor(t / 100);
    if (!seekDragging && step !== lastStep) {
      lastStep = step;
      document.getElementById("seek").value = String(t);
    }
  }
  var lastClock = "";
  var lastStep = -1;

  var frame = 0;
  function loop() {
    frame = 0;
    tick();
    if (!audio.paused) frame = requestAnimationFrame(loop);
  }

  // --- actions -----------------------------------------------------------------------------------------------

  function seek(ms) {
    // Moving on during the speaker's echo turn means "go on from there", not "stay stopped".
    var wasWaiting = echoTimer !== null;
    cancelEcho();
    echoArmed = -1;
    // A loop follows the speaker: going elsewhere loops the section arrived in.
    if (loopSection >= 0) setLoop(Math.max(0, indexAt(sections, ms)));
    audio.currentTime = Math.max(0, ms) / 1000;
    follow = true;
    tick();
    if (wasWaiting) play();
  }

  // play() rejects when a pause() or a new seek interrupts it; that is the user's choice, not an error.
  function play() {
    var started = audio.play();
    if (started && started.catch) started.catch(function () {});
  }

  function playFrom(ms) {
    seek(ms);
    play();
  }

  function jumpToSection(si, andPlay) {
    si = Math.max(0, Math.min(sections.length - 1, si));
    if (andPlay) playFrom(sections[si].start); else seek(sections[si].start);
  }

  function stepSentence(delta) {
    if (!sentences.length) return;
    var i = indexAt(sentences, nowMs());
    var target = Math.max(0, Math.min(sentences.length - 1, i < 0 ? 0 : i + delta));
    seek(sentences[target].start);
  }

  function stepSection(delta) {
    if (!sections.length) return;
    var si = indexAt(sections, nowMs());
    jumpToSection(si < 0 ? 0 : si + delta, false);
  }

  function togglePlay() {
    if (audio.paused) {
      cancelEcho();
      play();
    } else {
      audio.pause();
    }
  }

  function setLoop(si) {
    loopSection = si;
    sections.forEach(function (sec, k) { sec.el.classList.toggle("looping", k === si); });
    var button = document.getElementById("loop");
    button.setAttribute("aria-pressed", String(si >= 0));
    return si;
  }

  function toggleLoop() {
    if (loopSection >= 0) { setLoop(-1); return; }
    if (!sections.length) return;
    setLoop(Math.max(0, indexAt(sections, nowMs())));
  }

  function toggleEcho() {
    echo = !echo;
    echoArmed = -1;
    document.getElementById("echo").setAttribute("aria-pressed", String(echo));
    if (!echo && echoTimer !== null) { cancelEcho(); play(); }
  }

  function togglePrompter() {
    var on = document.body.classList.toggle("prompter");
    document.getElementById("prompter").setAttribute("aria-pressed", String(on));
    document.getElementById("keys").textContent = on ? L.prompter_keys : L.keys;
    // Before the first sentence the prompter would show nothing bright: it starts at the first sentence.
    if (on && current < 0 && sentences.length) seek(sentences[0].start);
    if (current >= 0) keepInView(sentences[current].el);
  }

  // The prompter's text size, in rem, kept across visits where the browser allows (file:// may not).
  var PROMPTER_SIZES = [1.4, 1.7, 2.1, 2.6, 3.2, 4, 5];
  var prompterSize = 2;

  function setPrompterSize(step) {
    prompterSize = Math.max(0, Math.min(PROMPTER_SIZES.length - 1, prompterSize + step));
    document.body.style.setProperty("--prompter-size", PROMPTER_SIZES[prompterSize] + "rem");
    try { localStorage.setItem("lectern.prompterSize", String(prompterSize)); } catch (e) { /* private mode */ }
    if (current >= 0 && document.body.classList.contains("prompter")) keepInView(sentences[current].el);
  }

  // --- wiring ------------------------------------------------------------------------------------------------

  var seekDragging = false;

  // The room kept below the script (and the contents' height) is the player's own height: on a narrow phone, or
  // in English, its controls wrap to three or four rows, and a fixed guess left the speech's last line under it.
  function fitPlayer() {
    var player = document.getElementById("player");
    document.documentElement.style.setProperty("--player-h", player.offsetHeight + "px");
  }

  function wire() {
    audio.src = data.audio;
    var playButton = document.getElementById("play");
    playButton.textContent = L.play;
    playButton.addEventListener("click", togglePlay);
    document.getElementById("loop").textContent = L.loop;
    document.getElementById("loop").addEventListener("click", toggleLoop);
    document.getElementById("echo").textContent = L.echo;
    document.getElementById("echo").addEventListener("click", toggleEcho);
    document.getElementById("prompter").textContent = L.prompter;
    document.getElementById("prompter").addEventListener("click", togglePrompter);
    document.getElementById("smaller").title = L.smaller;
    document.getElementById("smaller").addEventListener("click", function () { setPrompterSize(-1); });
    document.getElementById("larger").title = L.larger;
    document.getElementById("larger").addEventListener("click", function () { setPrompterSize(1); });
    try {
      var saved = Number(localStorage.getItem("lectern.prompterSize"));
      if (saved >= 0 && saved < PROMPTER_SIZES.length && localStorage.getItem("lectern.prompterSize") !== null) {
        prompterSize = saved;
      }
    } catch (e) { /* storage refused: the default size */ }
    setPrompterSize(0);
    document.getElementById("toc-label").textContent = L.contents;
    document.getElementById("keys").textContent = L.keys;
    document.getElementById("speed-label").textContent = L.speed + " ";

    var speed = document.getElementById("speed");
    var speedValue = document.getElementById("speed-value");
    speed.addEventListener("input", function () {
      var rate = Math.min(1.5, Math.max(0.75, Number(speed.value) || 1));
      audio.playbackRate = rate;
      audio.defaultPlaybackRate = rate;
      speedValue.textContent = rate.toFixed(2) + "×";
    });

    var bar = document.getElementById("seek");
    bar.max = String(data.duration_ms);
    bar.setAttribute("aria-label", L.seek);
    bar.addEventListener("input", function () { seekDragging = true; });
    bar.addEventListener("change", function () { seekDragging = false; seek(Number(bar.value)); });

    audio.addEventListener("play", function () {
      playButton.textContent = L.pause_button;
      playButton.setAttribute("aria-pressed", "true");
      if (!frame) frame = requestAnimationFrame(loop);
    });
    audio.addEventListener("pause", function () {
      playButton.textContent = L.play;
      playButton.setAttribute("aria-pressed", "false");
      tick();
    });
    // timeupdate keeps the highlight right when animation frames are throttled (a background tab).
    audio.addEventListener("timeupdate", tick);
    audio.addEventListener("seeked", tick);
    // Opened without its audio (index.html copied or mailed alone): say so where Play is, not a dead button.
    audio.addEventListener("error", function () {
      var box = document.getElementById("audio-error");
      box.textContent = L.audio_missing.replace("{audio}", decodeURIComponent(data.audio));
      box.hidden = false;
    });
    audio.addEventListener("ended", function () {
      if (loopSection >= 0) playFrom(sections[loopSection].start);
    });

    // A user scrolling by hand (to read ahead) is not pulled back until they stop for a few seconds or navigate.
    var idle = null;
    function handScroll() {
      follow = false;
      if (idle !== null) clearTimeout(idle);
      idle = setTimeout(function () { idle = null; follow = true; }, 4000);
    }
    window.addEventListener("wheel", handScroll, { passive: true });
    window.addEventListener("touchmove", handScroll, { passive: true });

    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      // The rehearse mode has its own keys (a clicker's PageDown means "next" there, not "next sentence here").
      if (document.body.classList.contains("rehearsing")) return;
      var tag = e.target && e.target.tagName;
      if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && e.target.type !== "range")) return;
      // The speed slider keeps its own arrows (and PageUp/PageDown, Home/End): otherwise the speed could not be set
      // from the keyboard. The seek bar gives them to the page, where → is the next sentence.
      if (e.target.id === "speed" && /^(Arrow|Page|Home$|End$)/.test(e.key)) return;
      var handled = true;
      switch (e.key) {
        case " ": case "Spacebar": togglePlay(); break;
        case "ArrowLeft": stepSentence(-1); break;
        case "ArrowRight": stepSentence(1); break;
        case "ArrowUp": stepSection(-1); break;
        case "ArrowDown": stepSection(1); break;
        case "l": case "L": toggleLoop(); break;
        // Presentation clickers send PageUp/PageDown: sentence by sentence, in the prompter or not.
        case "PageUp": stepSentence(-1); break;
        case "PageDown": stepSentence(1); break;
        case "Escape":
          if (document.body.classList.contains("prompter")) togglePrompter(); else handled = false;
          break;
        case "+": case "=": setPrompterSize(1); break;
        case "-": case "_": setPrompterSize(-1); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
  }

  // A phone's lock screen and headset buttons: previous/next go by section, as ↑/↓ do.
  function wireMediaSession() {
    if (!("mediaSession" in navigator)) return;
    try {
      if (typeof MediaMetadata === "function") {
        navigator.mediaSession.metadata = new MediaMetadata({ title: data.title || "", artist: data.speaker || "" });
      }
      navigator.mediaSession.setActionHandler("previoustrack", function () { stepSection(-1); });
      navigator.mediaSession.setActionHandler("nexttrack", function () { stepSection(1); });
    } catch (e) {
      // An action this browser does not know: the buttons on the page still work.
    }
  }

  // --- a new build of the same rehearsal ----------------------------------------------------------------------
  // Every build writes version.js beside this page. From file:// a page may not fetch it, but it may load it
  // with a script element, so one is re-inserted every second; when it names another build (lectern watch
  // rebuilt the folder on a save), the page reloads at the same place: the same section, found by its name (its
  // position when it was renamed), the same distance into it, playing if it was.

  function placeNow() {
    var t = nowMs();
    var si = Math.max(0, indexAt(sections, t));
    return { name: sectionName(data.sections[si]), index: si, offset: Math.max(0, t - sections[si].start),
             playing: !audio.paused, scroll: window.scrollY };
  }

  function restorePlace() {
    var m = /[#&]lectern-at=([^&]*)/.exec(location.hash);
    if (!m || !sections.length) return;
    var place;
    try { place = JSON.parse(decodeURIComponent(m[1])); } catch (e) { return; }
    try { history.replaceState(null, "", location.pathname + location.search); } catch (e) { /* file:// quirks */ }
    var si = -1;
    data.sections.forEach(function (sec, k) {
      if (si < 0 && sectionName(sec) === place.name) si = k;
    });
    if (si < 0) si = Math.max(0, Math.min(sections.length - 1, Number(place.index) || 0));
    var ms = Math.min(sections[si].start + Math.max(0, Number(place.offset) || 0), Math.max(sections[si].start, sectionEnd(si) - 1));
    if (typeof place.scroll === "number") window.scrollTo(0, place.scroll);
    seek(ms);
    if (sentences.length) keepInView(sentences[Math.max(0, indexAt(sentences, ms))].el);
    if (place.playing) play();
  }

  var reloading = false;
  window.lecternVersion = function (version) {
    if (reloading || !data.version || !version || version === data.version) return;
    // Never in the middle of a rehearsal take (recording, or a take not yet closed): the next poll after the
    // speaker closes rehearse mode reloads.
    var rehearse = window.lectern && window.lectern.rehearse;
    if (rehearse && rehearse.state && rehearse.state() !== "closed") return;
    reloading = true;
    location.hash = "lectern-at=" + encodeURIComponent(JSON.stringify(placeNow()));
    location.reload();
  };

  function pollVersion() {
    var tag = document.createElement("script");
    tag.src = "version.js?t=" + Date.now();
    tag.onload = tag.onerror = function () { tag.remove(); };
    document.head.appendChild(tag);
  }

  document.documentElement.lang = data.lang;
  // On a phone the contents would push the script a screen down: fold it.
  if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    document.querySelector("#toc details").open = false;
  }
  buildHeader();
  buildSummary();
  buildNotices();
  buildScript();
  wire();
  fitPlayer();
  if (typeof ResizeObserver === "function") new ResizeObserver(fitPlayer).observe(document.getElementById("player"));
  else window.addEventListener("resize", fitPlayer);
  wireMediaSession();
  tick();
  restorePlace();
  if (data.version) setInterval(pollVersion, 1000);
  // For tests and for anyone scripting the page: the sentence spans' times, read-only.
  window.lectern = {
    sentences: sentences.map(function (s) { return { start_ms: s.start, end_ms: s.end }; }),
    sections: sections.map(function (s) { return { start_ms: s.start, end_ms: s.end }; }),
    current: function () { return current; },
    version: data.version,
    changed: (data.changed || []).slice(),
  };
})();
