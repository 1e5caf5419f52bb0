import { IsNotEmpty } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpUrl, IsSipUri } from '../../common/validators';
import { CallCreationParams } from './call-creation-params.dto';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** RestComm's POST /Calls: a `sip:` URI to call and the URL of its RCML. */
export class CreateCallDto extends CallCreationParams {
  // class-validator runs the lowest decorator first; with stopAtFirstError, presence is checked first.
  @IsSipUri(code(DomainErrorCode.InvalidTo))
  @IsNotEmpty({ message: "The 'To' parameter is required", ...code(DomainErrorCode.MissingTo) })
  To: string;

  @IsHttpUrl({
    message: "The 'Url' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  @IsNotEmpty({ message: "The 'Url' parameter is required", ...code(DomainErrorCode.InvalidUrl) })
  Url: string;
}
