(function () {
  var posthog = window.posthog;
  posthog.identify('ada-lovelace', { email: 'ada@example.com', name: 'Ada Lovelace' });

  var form = document.getElementById('order-form');
  var after = document.getElementById('after-order');
  var checkout = document.getElementById('checkout');
  var status = document.getElementById('receipt-status');
  var customerEmail = '';

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = document.getElementById('name').value.trim();
    customerEmail = document.getElementById('email').value.trim();
    var qty = Number(document.getElementById('quantity').value);
    var gift = document.getElementById('gift').checked;
    console.log('placing order', { qty: qty });
    console.warn('slow network detected');
    fetch('/api/order', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: name, email: customerEmail, quantity: qty, gift: gift }),
    })
      .then(function (res) { return res.json(); })
      .then(function (order) {
        var thanks = document.createElement('p');
        thanks.id = 'thanks';
        thanks.textContent = 'Thank you, ' + name.split(' ')[0] + '! Order #' + order.orderId + ' confirmed.';
        checkout.replaceChildren(thanks);
        after.hidden = false;
        history.pushState({ order: order.orderId }, '', '/thanks');
        return fetch('/api/missing');
      })
      .then(function (res) {
        if (!res.ok) {
          console.error('could not load recommendations: ' + res.status);
        }
      });
  });

  document.getElementById('email-receipt').addEventListener('click', function () {
    status.textContent = 'Receipt sent to ' + customerEmail;
  });
})();
