namespace Hyperfit.Annotation;

/// <summary>The app's only style sheet and script, served from the app itself (no CDN, no framework), so the
/// Content-Security-Policy can forbid every inline script and style.</summary>
internal static class StaticAssets
{
    public const string StylePath = "/static/app.css";

    public const string ScriptPath = "/static/annotate.js";

    public const string Style = """
        :root {
          --ink: #1d2430; --muted: #5b6577; --line: #dfe3ea; --paper: #ffffff; --ground: #f3f5f8;
          --accent: #2456a6; --accent-ink: #ffffff; --accent-soft: #e8eef9; --ok: #1f7a4d; --warn: #9a5b00; --bad: #a4262c;
          --serif: "Source Serif 4", "Source Serif Pro", Charter, "Bitstream Charter", Georgia, "DejaVu Serif", serif;
          --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
        }
        * { box-sizing: border-box; }
        html { background: var(--ground); }
        body { margin: 0; color: var(--ink); font: 15px/1.5 var(--sans); }
        header.bar { background: var(--paper); border-bottom: 1px solid var(--line); }
        header.bar .inner { max-width: 1240px; margin: 0 auto; padding: 10px 24px; display: flex; align-items: center; gap: 16px; }
        header.bar .brand { font-weight: 650; letter-spacing: .01em; }
        header.bar .brand small { font-weight: 400; color: var(--muted); margin-left: 8px; }
        header.bar .who { margin-left: auto; display: flex; align-items: center; gap: 14px; color: var(--muted); }
        header.bar .who strong { color: var(--ink); font-weight: 600; }
        header.bar form { margin: 0; }
        .count { background: var(--accent-soft); color: var(--accent); border-radius: 999px; padding: 2px 10px; font-weight: 600; }
        button.link { background: none; border: 0; padding: 0; color: var(--accent); font: inherit; cursor: pointer; text-decoration: underline; }
        main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
        .task { color: var(--muted); margin: 0 0 14px; }
        .task strong { color: var(--ink); }
        section.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 16px 22px; }
        .label { font: 600 12px/1.2 var(--sans); text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 8px; }
        .text { font: 17px/1.65 var(--serif); hyphens: auto; overflow-wrap: anywhere; }
        .text p { margin: 0 0 .8em; }
        .text p:last-child { margin-bottom: 0; }
        .ellipsis { color: var(--muted); margin: 0 .15em; }
        .context { margin-bottom: 16px; border-left: 4px solid var(--muted); }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        .pair section.card { border-top: 4px solid var(--accent); }
        @media (max-width: 860px) { .pair { grid-template-columns: 1fr; } }
        form.vote { margin: 18px 0 0; }
        .choices { display: grid; grid-template-columns: 1fr auto 1fr; gap: 16px; align-items: stretch; }
        .choices button { font: 600 16px/1.3 var(--sans); padding: 14px 18px; border-radius: 10px; cursor: pointer;
          border: 1px solid var(--accent); background: var(--paper); color: var(--accent); }
        .choices button:hover, .choices button:focus-visible, .choices button.chosen { background: var(--accent); color: var(--accent-ink); outline: none; }
        .choices button[value=equal] { min-width: 220px; border-color: var(--muted); color: var(--ink); }
        .choices button[value=equal]:hover, .choices button[value=equal]:focus-visible, .choices button[value=equal].chosen { background: var(--muted); color: var(--accent-ink); }
        .choices button:disabled { opacity: .55; cursor: progress; }
        kbd { display: inline-block; min-width: 1.6em; padding: 0 .35em; margin-left: .45em; border: 1px solid currentColor; border-bottom-width: 2px;
          border-radius: 4px; font: 600 12px/1.5 var(--sans); text-align: center; opacity: .8; }
        .hint { text-align: center; color: var(--muted); font-size: 13px; margin: 10px 0 0; }
        .notice { max-width: 640px; margin: 48px auto; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 28px 32px; }
        .notice h1 { font-size: 22px; margin: 0 0 10px; }
        .notice p { margin: 0 0 10px; }
        .notice.error h1 { color: var(--bad); }
        .notice .code { color: var(--muted); font-size: 13px; }
        a { color: var(--accent); }
        .button { display: inline-block; background: var(--accent); color: var(--accent-ink); text-decoration: none; padding: 9px 16px; border-radius: 8px; font-weight: 600; }
        .button.secondary { background: var(--paper); color: var(--accent); border: 1px solid var(--accent); }
        h1.page { font-size: 22px; margin: 0 0 4px; }
        .sub { color: var(--muted); margin: 0 0 18px; }
        .stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-bottom: 18px; }
        .stat { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
        .stat .value { font-size: 24px; font-weight: 650; }
        .stat .of { color: var(--muted); font-size: 13px; }
        h2 { font-size: 16px; margin: 24px 0 10px; }
        table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
        th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
        th { font: 600 12px/1.2 var(--sans); text-transform: uppercase; letter-spacing: .06em; color: var(--muted); background: #fafbfc; }
        td.num, th.num { text-align: right; }
        tr:last-child td { border-bottom: 0; }
        table + p.sub { margin-top: 12px; }
        .meter { display: inline-block; vertical-align: middle; width: 120px; height: 8px; border-radius: 4px; overflow: hidden; margin-right: 8px; }
        .tag { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: var(--ground); color: var(--muted); }
        .tag.revoked { background: #fbeaea; color: var(--bad); }
        .tag.admin { background: var(--accent-soft); color: var(--accent); }
        .exports { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
        .exports .note { color: var(--muted); font-size: 13px; }
        code { font-size: 13px; background: var(--ground); padding: 1px 5px; border-radius: 4px; }
        """;

    /// <summary>Keyboard shortcuts of the vote form: 1 or ← for the first text, 2 or → for the second, 3 or E for
    /// "equally good". A key held down or pressed in the first moments after the page loads is ignored, so a vote does
    /// not spill onto the next item.</summary>
    public const string Script = """
        (function () {
          'use strict';
          var form = document.getElementById('vote-form');
          if (!form) { return; }
          var keys = { '1': 'first', 'ArrowLeft': 'first', '2': 'second', 'ArrowRight': 'second', '3': 'equal', 'e': 'equal', 'E': 'equal' };
          var sent = false;
          setTimeout(function () { form.setAttribute('data-keys', 'ready'); }, 400);
          form.addEventListener('submit', function () {
            sent = true;
            setTimeout(function () {
              var buttons = form.querySelectorAll('button');
              for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
            }, 0);
          });
          document.addEventListener('keydown', function (e) {
            if (sent || e.repeat || e.altKey || e.ctrlKey || e.metaKey || form.getAttribute('data-keys') !== 'ready') { return; }
            var t = e.target;
            if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
            var choice = keys[e.key];
            if (!choice) { return; }
            var button = form.querySelector('button[value="' + choice + '"]');
            if (!button) { return; }
            e.preventDefault();
            button.classList.add('chosen');
            if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
          });
        })();
        """;
}
