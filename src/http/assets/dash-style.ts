/** The dashboard's stylesheet: mobile first (375 px), light and dark by system preference. */
export const DASH_CSS = String.raw`
:root{color-scheme:light dark;--bg:#f4f5f7;--surface:#fff;--fg:#16181d;--muted:#4b5260;--line:#d5d9e0;--accent:#1f5bd8;--on-accent:#fff;--ok:#13734a;--ok-bg:#e3f5ec;--warn:#5c4300;--warn-bg:#fff4d6;--err:#b42318;--err-bg:#fdecea;--bar:#1f5bd8}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--surface:#1a1d23;--fg:#eef0f3;--muted:#a9b0bc;--line:#343a45;--accent:#8db4ff;--on-accent:#0b1020;--ok:#6fe3a5;--ok-bg:#12301f;--warn:#ffe08a;--warn-bg:#3a2f0b;--err:#ffa198;--err-bg:#3d1512;--bar:#8db4ff}}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:var(--surface);padding:.5rem;z-index:2}
.top{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.6rem 1rem;background:var(--surface);border-bottom:1px solid var(--line)}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700;color:var(--fg);text-decoration:none}
.nav{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding:.4rem 1rem;border-bottom:1px solid var(--line);background:var(--surface)}
.nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
.nav a{text-decoration:none;padding:.3rem 0;display:inline-block}
.nav a[aria-current=page]{font-weight:700;text-decoration:underline}
.sign-out{display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
.who{color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
.main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:0 0 .6rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr))}
.card{background:var(--surface);border:1px solid var(--line);border-radius:12px;padding:1rem;margin-bottom:1rem;min-width:0}
.card>:last-child{margin-bottom:0}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.85rem}
td.num,th.num{text-align:right}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;word-break:break-all}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;border:1px solid var(--line);font-size:.8rem;white-space:nowrap}
.badge.paid,.badge.overpaid,.badge.delivered{background:var(--ok-bg);color:var(--ok)}
.badge.partial,.badge.pending,.badge.ctx{background:var(--warn-bg);color:var(--warn)}
.badge.canceled,.badge.failed,.badge.refunded{background:var(--err-bg);color:var(--err)}
.notice{padding:.6rem .75rem;border-radius:8px;background:var(--warn-bg);color:var(--warn);margin:0 0 1rem}
.notice.ok{background:var(--ok-bg);color:var(--ok)}
.notice.error{background:var(--err-bg);color:var(--err)}
.muted{color:var(--muted)}
form.stack{display:grid;gap:.75rem;max-width:32rem}
form.filters{display:grid;gap:.6rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,11rem),1fr));align-items:end}
label{display:grid;gap:.2rem;font-size:.9rem}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.6rem .75rem}
fieldset label{display:flex;align-items:center;gap:.5rem}
input,select,textarea{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--muted);border-radius:8px;padding:.45rem .55rem;min-height:2.5rem;width:100%}
fieldset input{width:auto;min-height:auto}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:2.5rem;padding:.4rem .9rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:transparent;color:var(--accent)}
button.danger{background:var(--err);border-color:var(--err);color:var(--surface)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.inline{display:inline}
dl.terms{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.3rem 1rem;margin:0}
dl.terms dt{color:var(--muted)}
dl.terms dd{margin:0;min-width:0;overflow-wrap:anywhere}
.qr{width:100%;max-width:12rem;height:auto;background:#fff;border-radius:8px;border:1px solid var(--line)}
.chart{width:100%;height:auto;max-height:14rem}
.chart .bar{fill:var(--bar)}
.chart .axis{stroke:var(--line)}
.chart text{fill:var(--muted);font-size:10px}
ol.timeline{margin:0;padding-left:1.2rem}
ol.timeline li{margin:.2rem 0}
.pager{display:flex;gap:1rem;margin-top:.75rem;flex-wrap:wrap}
ol.attempts{list-style:none;margin:0;padding:0}
ol.attempts h3{font-size:1rem;margin:0 0 .5rem}
pre.mono{white-space:pre-wrap;margin:.5rem 0;padding:.5rem;border:1px solid var(--line);border-radius:8px;max-height:24rem;overflow:auto}
details{margin-top:.5rem}
summary{cursor:pointer}
.secret{font-size:1.05rem;padding:.5rem;border:2px dashed var(--accent);border-radius:8px}
.progress{margin-top:.5rem}
`;
