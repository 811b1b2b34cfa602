import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  CLOSING_TIME,
  HOURS_MAX_EXCEPTIONS,
  HOURS_MAX_RANGES_PER_DAY,
  LOCAL_DATE,
  TIME_OF_DAY,
} from './hours.js';
import { Nested } from './nested.js';

/** The DTOs of opening hours (a menu's `settings.hours`); what they mean is in hours.ts. */

export class OpeningRangeDto {
  @IsString() @Matches(TIME_OF_DAY, { message: 'open must be HH:MM (00:00 to 23:59)' }) open!: string;
  @IsString() @Matches(CLOSING_TIME, { message: 'close must be HH:MM (00:00 to 24:00)' }) close!: string;
}

/** A list of at most HOURS_MAX_RANGES_PER_DAY ranges: one day's hours. */
function DayRanges(optional: boolean): PropertyDecorator {
  return (target, key) => {
    for (const d of [
      ...(optional ? [IsOptional()] : []),
      IsArray(),
      ArrayMaxSize(HOURS_MAX_RANGES_PER_DAY),
      IsObject({ each: true, message: 'each range must be an object' }),
      ValidateNested({ each: true }),
      Nested(() => OpeningRangeDto),
    ])
      d(target, key);
  };
}

export class WeeklyHoursDto {
  @DayRanges(true) mon?: OpeningRangeDto[];
  @DayRanges(true) tue?: OpeningRangeDto[];
  @DayRanges(true) wed?: OpeningRangeDto[];
  @DayRanges(true) thu?: OpeningRangeDto[];
  @DayRanges(true) fri?: OpeningRangeDto[];
  @DayRanges(true) sat?: OpeningRangeDto[];
  @DayRanges(true) sun?: OpeningRangeDto[];
}

export class HoursExceptionDto {
  @IsString() @Matches(LOCAL_DATE, { message: 'date must be YYYY-MM-DD' }) date!: string;
  @DayRanges(false) ranges!: OpeningRangeDto[];
}

export class OpeningHoursDto {
  @IsObject() @ValidateNested() @Nested(() => WeeklyHoursDto) weekly!: WeeklyHoursDto;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(HOURS_MAX_EXCEPTIONS)
  @IsObject({ each: true, message: 'each exception must be an object' })
  @ValidateNested({ each: true })
  @Nested(() => HoursExceptionDto)
  exceptions?: HoursExceptionDto[];
}
