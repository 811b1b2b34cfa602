import { Injectable } from '@nestjs/common';
import { StoreSetHoursDto } from '@orderwire/contracts';
import { MenuService } from '../../orders/menu.service.js';
import { StoreStatusService } from '../../orders/store-status.service.js';
import type { Session } from '../../session/session.js';
import { tenantOf } from '../../session/tenant-scope.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `store.set_hours`: an admin sets the opening hours (the menu's settings), and the store follows them. */
@Injectable()
export class StoreSetHoursCommand {
  constructor(
    private readonly menus: MenuService,
    private readonly store: StoreStatusService,
  ) {}

  @Command('store.set_hours', { forward: true })
  @Roles(['admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: StoreSetHoursDto) {
    const tenantId = tenantOf(session, dto.tenantId);
    const menu = await this.menus.setHours(session, tenantId, dto);
    await this.store.refresh(tenantId);
    return ok({ version: menu.version, status: await this.store.data(tenantId) });
  }
}
