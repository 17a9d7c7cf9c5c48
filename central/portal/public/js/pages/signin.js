// Sign-in: username and password, a session cookie on success.
import { api } from '../api.js';
import { errorBox, html, render } from '../dom.js';

export function mount(main, { onSignedIn }) {
  render(
    main,
    html`
    <div class="signin panel">
      <h1>Sign in</h1>
      <p class="sub">Joulebook energy portal</p>
      <form id="signin-form">
        <label>Username <input name="username" autocomplete="username" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <div id="signin-error"></div>
        <button class="primary" type="submit">Sign in</button>
      </form>
    </div>`,
  );
  const form = main.querySelector('#signin-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      await api.signIn(String(data.get('username')), String(data.get('password')));
      await onSignedIn();
    } catch (err) {
      render(main.querySelector('#signin-error'), errorBox(err.status === 401 ? new Error('Wrong username or password.') : err));
    }
  });
}
