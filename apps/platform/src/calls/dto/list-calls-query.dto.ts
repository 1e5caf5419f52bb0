import { PageQueryDto } from '../../common/paging';

export class ListCallsQueryDto extends PageQueryDto {}
