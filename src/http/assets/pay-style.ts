/** The payment page's stylesheet: mobile first, light and dark by system preference. */
export const PAY_CSS = String.raw`
:root{color-scheme:light dark;--bg:#f4f5f7;--surface:#fff;--fg:#16181d;--muted:#4b5260;--line:#d5d9e0;--accent:#1f5bd8;--on-accent:#fff;--ok:#13734a;--ok-bg:#e3f5ec;--warn:#5c4300;--warn-bg:#fff4d6;--err:#b42318;--err-bg:#fdecea;--radius:12px}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--surface:#1a1d23;--fg:#eef0f3;--muted:#a9b0bc;--line:#343a45;--accent:#8db4ff;--on-accent:#0b1020;--ok:#6fe3a5;--ok-bg:#12301f;--warn:#ffe08a;--warn-bg:#3a2f0b;--err:#ffa198;--err-bg:#3d1512}}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}
.page{max-width:30rem;margin:0 auto;padding:1rem}
.test-banner{margin:0;padding:.5rem 1rem;background:#ffd60a;color:#1a1a1a;font-weight:600;text-align:center;border-bottom:4px dashed #1a1a1a}
.page-head{padding-bottom:0}
.shop{display:flex;align-items:center;gap:.75rem;margin:.5rem 0 0}
.icon{position:relative;flex:none;width:28px;height:28px}
.icon img{display:block}
.icon .badge{position:absolute;right:-4px;bottom:-4px}
.shop img,.monogram{width:2.5rem;height:2.5rem;border-radius:50%;flex:none;object-fit:cover}
.monogram{display:grid;place-items:center;background:var(--accent);color:var(--on-accent);font-weight:700;font-size:1.1rem}
.shop-name{font-weight:600;font-size:1.1rem;overflow-wrap:anywhere}
.card{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:1rem;margin-bottom:1rem}
.card>:last-child{margin-bottom:0}
.summary{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem}
.summary dl{margin:0}
.summary dt{color:var(--muted);font-size:.85rem}
.summary dd{margin:0}
.price{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}
.description{flex-basis:100%;margin:.25rem 0 0;color:var(--muted)}
h1{font-size:1.35rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.05rem;margin:0 0 .5rem}
p{margin:0 0 .75rem}
.field{margin:0 0 1rem}
.field-label{display:block;color:var(--muted);font-size:.85rem;margin-bottom:.25rem}
.copy-row{display:flex;gap:.5rem;align-items:stretch}
.value{flex:1;min-width:0;padding:.5rem .6rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);font:600 1rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;word-break:break-all}
.value.big{font-size:1.25rem}
.button,button{display:inline-flex;align-items:center;justify-content:center;min-height:2.75rem;padding:.5rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button.secondary,button.secondary{background:transparent;color:var(--accent)}
button.copy{flex:none;background:transparent;color:var(--accent);min-width:5.5rem}
button:focus-visible,.button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.5rem}
.qr-box{text-align:center;margin:0 0 1rem}
.qr{width:100%;max-width:15rem;height:auto;background:#fff;border-radius:8px;border:1px solid var(--line)}
.qr-box figcaption{color:var(--muted);font-size:.85rem}
.notice{padding:.6rem .75rem;border-radius:8px;background:var(--warn-bg);color:var(--warn);font-size:.92rem;margin:0 0 1rem}
.notice.ok{background:var(--ok-bg);color:var(--ok)}
.notice.error{background:var(--err-bg);color:var(--err)}
.timer{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap;margin:0 0 1rem}
.countdown{font:700 1.25rem/1 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-variant-numeric:tabular-nums}
.status{display:flex;align-items:flex-start;gap:.5rem;font-weight:600}
.status::before{content:"";flex:none;margin-top:.4em;width:.7rem;height:.7rem;border-radius:50%;background:var(--accent);animation:pulse 1.4s ease-in-out infinite}
.status.done::before{background:var(--ok);animation:none}
@keyframes pulse{50%{opacity:.25}}
@media (prefers-reduced-motion:reduce){.status::before{animation:none}}
progress{width:100%;height:.6rem;accent-color:var(--accent)}
.options{border:0;padding:0;margin:0 0 1rem}
.options legend{font-weight:600;margin-bottom:.5rem}
.option{display:flex;align-items:center;gap:.75rem;padding:.7rem .75rem;border:1px solid var(--line);border-radius:8px;margin-bottom:.5rem;cursor:pointer}
.option:has(input:checked){border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
.option input{width:1.2rem;height:1.2rem;accent-color:var(--accent);margin:0}
.option small{display:block;color:var(--muted)}
input[type=text]{width:100%;min-height:2.75rem;padding:.5rem .6rem;border:1px solid var(--muted);border-radius:8px;background:var(--surface);color:var(--fg);font:1rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
input[aria-invalid=true]{border-color:var(--err)}
label{display:block;margin-bottom:.25rem}
.test-panel{border:2px dashed #b07d00;background:var(--warn-bg);color:var(--warn)}
.test-panel .tag{display:inline-block;padding:0 .4rem;margin-right:.4rem;border-radius:4px;background:#ffd60a;color:#1a1a1a;font-size:.8rem}
.test-panel button{background:var(--surface);color:var(--fg);border-color:var(--line);font-weight:500}
.refunds{padding-left:1.2rem;margin:0 0 .75rem}
.refunds li{overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.85rem;text-align:center;padding:.5rem 0 2rem}
footer nav{display:flex;justify-content:center;gap:1rem;margin-top:.5rem}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (min-width:40rem){.page{padding:1.5rem 1rem}.page-head{padding-bottom:0}}
`;
