import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  MACHINE_DETECTION_DEFAULTS,
  type MachineDetectionSettings,
} from '../../call-control/legs/machine-detection';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';

const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const booleanWord = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
/** An optional whole number in [min, max]; form values arrive as digit strings. */
function OptionalWholeNumberBetween(name: string, min: number, max: number): PropertyDecorator {
  const message = { message: `The '${name}' parameter must be a whole number from ${min} to ${max}` };
  return applyDecorators(
    IsOptional(),
    Transform(wholeNumber),
    IsInt(message),
    Min(min, message),
    Max(max, message),
  );
}

/** Twilio's answering machine detection parameters of Calls.create, with its ranges. */
export class MachineDetectionParams {
  @IsOptional()
  @IsIn(['Enable', 'DetectMessageEnd'], {
    message: "The 'MachineDetection' parameter must be Enable or DetectMessageEnd",
  })
  MachineDetection?: 'Enable' | 'DetectMessageEnd';

  @OptionalWholeNumberBetween('MachineDetectionTimeout', 3, 59)
  MachineDetectionTimeout?: number;

  @OptionalWholeNumberBetween('MachineDetectionSpeechThreshold', 1000, 6000)
  MachineDetectionSpeechThreshold?: number;

  @OptionalWholeNumberBetween('MachineDetectionSpeechEndThreshold', 500, 5000)
  MachineDetectionSpeechEndThreshold?: number;

  @OptionalWholeNumberBetween('MachineDetectionSilenceTimeout', 2000, 10000)
  MachineDetectionSilenceTimeout?: number;

  @IsOptional()
  @Transform(booleanWord)
  @IsBoolean({ message: "The 'AsyncAmd' parameter must be true or false" })
  AsyncAmd?: boolean;

  @IsOptional()
  @IsHttpUrl({
    message: "The 'AsyncAmdStatusCallback' parameter must be an absolute http(s) URL",
    context: { code: DomainErrorCode.InvalidUrl },
  })
  AsyncAmdStatusCallback?: string;

  @IsOptional()
  @IsHttpMethod()
  AsyncAmdStatusCallbackMethod?: 'GET' | 'POST';
}

/** What a call record keeps of these parameters (`machine_detection`); null without MachineDetection. */
export function machineDetectionSettings(params: MachineDetectionParams): string | null {
  if (!params.MachineDetection) return null;
  const settings: MachineDetectionSettings = {
    mode: params.MachineDetection,
    timeoutSeconds: params.MachineDetectionTimeout ?? MACHINE_DETECTION_DEFAULTS.timeoutSeconds,
    speechThresholdMs: params.MachineDetectionSpeechThreshold ?? MACHINE_DETECTION_DEFAULTS.speechThresholdMs,
    speechEndThresholdMs:
      params.MachineDetectionSpeechEndThreshold ?? MACHINE_DETECTION_DEFAULTS.speechEndThresholdMs,
    silenceTimeoutMs: params.MachineDetectionSilenceTimeout ?? MACHINE_DETECTION_DEFAULTS.silenceTimeoutMs,
    async: params.AsyncAmd ?? false,
    asyncCallback: params.AsyncAmdStatusCallback
      ? { url: params.AsyncAmdStatusCallback, method: params.AsyncAmdStatusCallbackMethod ?? 'POST' }
      : null,
  };
  return JSON.stringify(settings);
}
