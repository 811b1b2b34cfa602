import { Injectable } from '@nestjs/common';
import { AdminDayReportDto } from '@orderwire/contracts';
import { DayBookService } from '../../orders/day-book.service.js';
import type { Session } from '../../session/session.js';
import { tenantOf } from '../../session/tenant-scope.js';
import { ok } from '../ack.js';
import { Command, CurrentSession, Payload, Roles } from '../command.decorators.js';

/** `admin.day_report`: the finished orders of a business day, for managers (section 15). */
@Injectable()
export class AdminDayReportCommand {
  constructor(private readonly book: DayBookService) {}

  @Command('admin.day_report')
  @Roles(['admin'])
  async run(@CurrentSession() session: Session, @Payload() dto: AdminDayReportDto) {
    return ok(await this.book.report(tenantOf(session, dto.tenantId), dto.day));
  }
}
