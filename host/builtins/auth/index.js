// @ts-check
import { asyncHandler } from '@annex/host/builtins-support';

/** `/auth/login|refresh|logout` with Directus's JSON shapes (tokens in the body, `mode: json`), and `/auth/password/request|reset`. */
export default {
  id: 'auth',
  handler(router, context) {
    const auth = context.kernel.auth;
    router.post(
      '/login',
      asyncHandler(async (req, res) => {
        const body = req.body ?? {};
        res.json({ data: await auth.login(body.email, body.password, req.ip, body.otp) });
      }),
    );
    router.post(
      '/refresh',
      asyncHandler(async (req, res) => {
        res.json({ data: await auth.refresh(req.body?.refresh_token, req.ip) });
      }),
    );
    // Directus's password reset: a link mailed to an active user (the same answer for any email), then the new password.
    router.post(
      '/password/request',
      asyncHandler(async (req, res) => {
        await context.kernel.accountLinks.requestPasswordReset(req.body?.email, req.body?.reset_url);
        res.status(204).end();
      }),
    );
    router.post(
      '/password/reset',
      asyncHandler(async (req, res) => {
        await context.kernel.accountLinks.resetPassword(req.body?.token, req.body?.password);
        res.status(204).end();
      }),
    );
    router.post(
      '/logout',
      asyncHandler(async (req, res) => {
        await auth.logout(req.body?.refresh_token);
        res.status(204).end();
      }),
    );
  },
};
