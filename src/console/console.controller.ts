import { ApiExcludeController } from '@nestjs/swagger';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CREW_ROLES, isRole, TENANT_PATTERN } from '@orderwire/contracts';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const SDK_DIR = fileURLToPath(new URL('../../libs/client/dist/', import.meta.url));
/** The views' bundles (`npm run build`: scripts/build-console.mjs). */
const VIEWS_DIR = fileURLToPath(new URL('../../apps/console/dist/', import.meta.url));
const VIEWS = new Set(['customer', 'crew', 'admin']);
const VIEW_ASSET = /^(customer|crew|admin|launcher|main)\.(js|css)(\.map)?$/;

/** The page of one view: its stylesheet, its bundle, a root; the bundle does the rest. */
const viewPage = (view: string): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>orderwire · ${view}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/console/app/main.css" />
    <script src="/console/app/${view}.js" defer></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>This page needs JavaScript.</noscript>
  </body>
</html>
`;

/**
 * The web console at `/console`, the SDK bundle at `/sdk/orderwire.js`, and `POST /dev/token`,
 * which mints tokens for the console when DEV_TOKENS is on (404 otherwise).
 */
@Controller()
@ApiExcludeController()
export class ConsoleController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * `/`: where a person lands. Outside production, the console; in production (where the console
   * may be the platform's own) a small index of what this hub serves, instead of Nest's 404.
   */
  @Get()
  @Header('Cache-Control', 'no-cache')
  root(@Res() res: Response): void {
    if (this.config.env !== 'production') return res.redirect(302, '/console');
    res.json({
      service: 'orderwire',
      console: '/console',
      health: { live: '/health/live', ready: '/health/ready' },
      ...(this.config.http.apiDocs ? { docs: '/api/docs' } : {}),
      websocket: { path: this.config.ws.path, namespaces: ['/customer', '/crew', '/admin'] },
    });
  }

  /** The launcher: a card per view, in the views' design (apps/console/src/launcher.tsx). */
  @Get('console')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return viewPage('launcher');
  }

  /** What the views need to know about this hub (no secrets: the page is public). */
  @Get('console/config.json')
  @Header('Cache-Control', 'no-store')
  consoleConfig(): { devTokens: boolean; tokenUrl?: string; acceptSlaSeconds: number } {
    return {
      devTokens: this.config.devTokens && this.config.jwt.algorithm === 'HS256',
      ...(this.config.consoleTokenUrl ? { tokenUrl: this.config.consoleTokenUrl } : {}),
      acceptSlaSeconds: Math.round(this.config.monitoring.orderAcceptSlaMs / 1000),
    };
  }

  @Get('console/app/:file')
  viewAsset(@Param('file') file: string, @Res() res: Response): void {
    if (!VIEW_ASSET.test(file)) throw new NotFoundException();
    if (!existsSync(`${VIEWS_DIR}${file}`))
      throw new NotFoundException('the console views are built by `npm run build`');
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file, { root: VIEWS_DIR });
  }

  /** A view's page: /console/customer, /console/crew, /console/admin. */
  @Get('console/:view')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Type', 'text/html; charset=utf-8')
  view(@Param('view') view: string): string {
    if (!VIEWS.has(view)) throw new NotFoundException();
    return viewPage(view);
  }

  @Get('sdk/:file')
  sdk(@Param('file') file: string, @Res() res: Response): void {
    if (file !== 'orderwire.js' && file !== 'orderwire.js.map') throw new NotFoundException();
    if (!existsSync(`${SDK_DIR}${file}`))
      throw new NotFoundException('the SDK bundle is built by `npm run build`');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.sendFile(file, { root: SDK_DIR });
  }

  @Post('dev/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  devToken(@Body() body: Record<string, unknown>): { token: string } {
    const { devTokens, jwt } = this.config;
    if (!devTokens || jwt.algorithm !== 'HS256') throw new NotFoundException();
    const role = body?.role;
    const sub =
      typeof body?.sub === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(body.sub) ? body.sub : undefined;
    const tenantId = typeof body?.tenantId === 'string' ? body.tenantId : 'r-1';
    const crewRole = (CREW_ROLES as readonly unknown[]).includes(body?.crewRole) ? body.crewRole : undefined;
    if (!isRole(role) || !sub || !(TENANT_PATTERN.test(tenantId) || (tenantId === '*' && role === 'admin'))) {
      throw new NotFoundException();
    }
    const maxTtl = Math.floor(jwt.maxTokenTtlMs / 1000);
    const ttl = Math.min(maxTtl, Math.max(5, Number(body?.ttlSeconds ?? 3600) || 3600));
    const token = new JwtService({ secret: jwt.key }).sign(
      { sub, role, tenantId, ...(crewRole ? { crewRole } : {}) },
      {
        algorithm: 'HS256',
        expiresIn: ttl,
        ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
        ...(jwt.audience ? { audience: jwt.audience } : {}),
      },
    );
    return { token };
  }
}
