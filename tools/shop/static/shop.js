// The demo shop's page: everything personal goes through the browser library (window.pz, the
// tracker); the shop's own backend (/shop-api) gives product details, signs sign-ins and confirms
// checkouts, posting the purchases itself (the browser route refuses purchases).
import { createPersonalization } from './personalization.esm.js';

const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (v) => (typeof v === 'number' ? `£${v.toFixed(2)}` : '');
const consented = localStorage.getItem('shop.consent') === 'yes';
const pz = createPersonalization({ consent: consented, flushIntervalMs: 500, onError: (m) => console.warn(m) });
window.pz = pz;

// The shop's own state: the cart, and which recommendation led to each product (for the purchase's reward).
const cart = () => JSON.parse(localStorage.getItem('shop.cart') || '[]');
const saveCart = (items) => {
  localStorage.setItem('shop.cart', JSON.stringify(items));
  $('#cart-link').textContent = `Cart (${items.reduce((n, i) => n + i.quantity, 0)})`;
};
const decisions = JSON.parse(sessionStorage.getItem('shop.decisions') || '{}');
const rememberDecision = (productId, eventId) => {
  if (!eventId) return;
  decisions[productId] = eventId;
  sessionStorage.setItem('shop.decisions', JSON.stringify(decisions));
};
let clickedFromList = null;
// Pages render asynchronously: only the latest navigation may write the view.
let navigation = 0;
const show = (nav, html) => {
  if (nav !== navigation) return false;
  $('#view').innerHTML = html;
  return true;
};

function cards(list, title, id) {
  if (!list.items?.length) return '';
  return `<h2>${esc(title)}</h2><div class="grid" id="${id}">${list.items.map((p) => `
    <a class="product" href="#/p/${encodeURIComponent(p.id)}" data-id="${esc(p.id)}" data-event="${esc(list.eventId ?? '')}">
      <div class="title">${esc(p.title ?? p.id)}</div><div class="price">${money(p.price)}</div></a>`).join('')}</div>`;
}

// A click on a recommended product: the click is its product_view, carrying the list's decision.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a.product');
  if (!a) return;
  clickedFromList = a.dataset.id;
  rememberDecision(a.dataset.id, a.dataset.event);
  pz.productClicked(a.dataset.id, a.dataset.event || null);
});

async function banner() {
  const el = $('#banner');
  el.innerHTML = '';
  if (!pz.anonymousId) return; // offers are ranked per shopper: only after consent
  const ranked = await pz.getOffers({ n: 1 }).catch(() => ({ offers: [] }));
  const offer = ranked.offers[0];
  if (!offer) return;
  el.innerHTML = `<a class="offer" id="offer" data-id="${esc(offer.id)}">${esc(offer.title ?? offer.id)}</a>`;
  pz.offerShown(offer.id, ranked.eventId);
  $('#offer').addEventListener('click', () => {
    pz.offerClicked(offer.id, ranked.eventId);
    $('#offer').textContent = `Offer ${offer.id} applied to your cart`;
  });
}

async function home(nav) {
  const recs = await pz.getRecommendations({ n: 8 });
  show(nav, cards(recs, 'Recommended for you', 'recommended'));
}

async function productPage(id, nav) {
  if (clickedFromList !== id) pz.track('product_view', { productId: id });
  clickedFromList = null;
  const res = await fetch(`/shop-api/products/${encodeURIComponent(id)}`);
  const p = res.ok ? await res.json() : { id, title: id };
  const [similar, together] = await Promise.all([pz.getSimilar(id, 4).catch(() => ({ items: [] })), pz.getBoughtTogether(id, 4).catch(() => ({ items: [] }))]);
  if (!show(nav, `<div class="detail"><h1>${esc(p.title)}</h1><div class="price">${money(p.price)}</div>
    <p>${esc(p.category ?? '')}</p><button id="add">Add to cart</button></div>
    ${cards(similar, 'Similar', 'similar')}${cards(together, 'Bought together', 'together')}`)) return;
  $('#add').addEventListener('click', () => {
    const items = cart();
    const line = items.find((i) => i.productId === id);
    if (line) line.quantity++;
    else items.push({ productId: id, title: p.title, price: p.price ?? 0, quantity: 1 });
    saveCart(items);
    pz.track('add_to_cart', { productId: id, quantity: 1, ...(decisions[id] ? { decisionId: decisions[id] } : {}) });
    $('#add').textContent = 'Added';
  });
}

function cartPage(nav) {
  const items = cart();
  const total = items.reduce((s, i) => s + i.price * i.quantity, 0);
  show(nav, items.length === 0 ? '<p id="empty">Your cart is empty.</p>' : `<h1>Cart</h1><table>
    ${items.map((i) => `<tr><td>${esc(i.title)}</td><td>${i.quantity}</td><td>${money(i.price * i.quantity)}</td></tr>`).join('')}
    </table><p>Total ${money(total)}</p><button id="checkout">Buy</button>`);
  $('#checkout')?.addEventListener('click', async () => {
    // The order id is made once: a checkout sent again (no answer) posts the same purchase ids.
    const orderId = sessionStorage.getItem('shop.order') || crypto.randomUUID();
    sessionStorage.setItem('shop.order', orderId);
    const lines = items.map((i) => ({ productId: i.productId, quantity: i.quantity, ...(decisions[i.productId] ? { decisionId: decisions[i.productId] } : {}) }));
    const res = await fetch('/shop-api/checkout', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, lines, anonymousId: pz.anonymousId, ...(pz.userId ? { userId: pz.userId, userToken: sessionStorage.getItem('shop.token') } : {}) }),
    }).catch((error) => ({ ok: false, json: async () => ({ error: error.message }) }));
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      show(nav, `<p id="checkout-error">Checkout failed: ${esc(body.error)}</p>`);
      return;
    }
    sessionStorage.removeItem('shop.order');
    saveCart([]);
    await pz.flush();
    show(nav, '<p id="thanks">Thank you for your order.</p>');
  });
}

function showUser() {
  $('#who').textContent = pz.userId ? `signed in as ${pz.userId}` : 'anonymous';
  $('#sign-out').hidden = !pz.userId;
}

$('#sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  const userId = e.target.userId.value;
  const res = await fetch('/shop-api/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  const body = await res.json();
  if (!res.ok) return alert(body.error);
  sessionStorage.setItem('shop.token', body.token); // the checkout proves the sign-in with it
  pz.identify(body.userId, body.token);
  showUser();
  route();
});
$('#sign-out').addEventListener('click', () => {
  sessionStorage.removeItem('shop.token');
  pz.reset();
  showUser();
  route();
});

if (!consented) {
  $('#consent').hidden = false;
  $('#accept').addEventListener('click', () => {
    localStorage.setItem('shop.consent', 'yes');
    $('#consent').hidden = true;
    pz.consent(true);
    route();
  });
  $('#decline').addEventListener('click', () => ($('#consent').hidden = true));
}

async function route() {
  const nav = ++navigation;
  const hash = location.hash || '#/';
  const m = /^#\/p\/(.+)$/.exec(hash);
  banner();
  if (m) await productPage(decodeURIComponent(m[1]), nav);
  else if (hash === '#/cart') cartPage(nav);
  else await home(nav);
  if (nav === navigation) document.body.dataset.ready = hash;
}

addEventListener('hashchange', () => {
  route();
  if (location.hash === '#/' || location.hash === '') pz.page();
});
saveCart(cart());
showUser();
route();
