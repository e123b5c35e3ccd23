// Global components with the names Directus's app registers for extensions
// (app/src/components/register.ts and app/src/views/register.ts in directus/directus).
// Small, always-needed ones are bundled with the app; heavy or rarely used ones load on demand.
import { defineAsyncComponent } from 'vue';
import { registerDirectives } from './composables/directives.js';
import RenderDisplay from './RenderDisplay.vue';
import RenderTemplate from './RenderTemplate.vue';
import SidebarDetail from './SidebarDetail.vue';
import TransitionBounce from './TransitionBounce.vue';
import TransitionDialog from './TransitionDialog.vue';
import TransitionExpand from './TransitionExpand.vue';
import UserPopover from './UserPopover.vue';
import ValueNull from './ValueNull.vue';
import VAvatar from './VAvatar.vue';
import VBadge from './VBadge.vue';
import VBreadcrumb from './VBreadcrumb.vue';
import VButton from './VButton.vue';
import VCard from './VCard.vue';
import VCardActions from './VCardActions.vue';
import VCardSubtitle from './VCardSubtitle.vue';
import VCardText from './VCardText.vue';
import VCardTitle from './VCardTitle.vue';
import VCheckbox from './VCheckbox.vue';
import VChip from './VChip.vue';
import VDetail from './VDetail.vue';
import VDialog from './VDialog.vue';
import VDivider from './VDivider.vue';
import VError from './VError.vue';
import VErrorBoundary from './VErrorBoundary.vue';
import VForm from './VForm.vue';
import VHighlight from './VHighlight.vue';
import VHover from './VHover.vue';
import VIcon from './VIcon.vue';
import VIconFile from './VIconFile.vue';
import VImage from './VImage.vue';
import VInfo from './VInfo.vue';
import VInput from './VInput.vue';
import VItem from './VItem.vue';
import VItemGroup from './VItemGroup.vue';
import VList from './VList.vue';
import VListGroup from './VListGroup.vue';
import VListItem from './VListItem.vue';
import VListItemContent from './VListItemContent.vue';
import VListItemHint from './VListItemHint.vue';
import VListItemIcon from './VListItemIcon.vue';
import VMenu from './VMenu.vue';
import VNotice from './VNotice.vue';
import VOverlay from './VOverlay.vue';
import VPagination from './VPagination.vue';
import VProgressCircular from './VProgressCircular.vue';
import VProgressLinear from './VProgressLinear.vue';
import VRadio from './VRadio.vue';
import VSelect from './VSelect.vue';
import VSheet from './VSheet.vue';
import VSkeletonLoader from './VSkeletonLoader.vue';
import VSlider from './VSlider.vue';
import VSwitch from './VSwitch.vue';
import VTab from './VTab.vue';
import VTabItem from './VTabItem.vue';
import VTabs from './VTabs.vue';
import VTabsItems from './VTabsItems.vue';
import VTextarea from './VTextarea.vue';
import VTextOverflow from './VTextOverflow.vue';

const lazy = (load) => defineAsyncComponent({ loader: load, delay: 0 });

export const baseComponents = {
  VAvatar,
  VBadge,
  VBreadcrumb,
  VButton,
  VCard,
  VCardActions,
  VCardSubtitle,
  VCardText,
  VCardTitle,
  VCheckbox,
  VChip,
  VDetail,
  VDialog,
  VDivider,
  VError,
  VErrorBoundary,
  VForm,
  VHighlight,
  VHover,
  VIcon,
  VIconFile,
  VImage,
  VInfo,
  VInput,
  VItem,
  VItemGroup,
  VList,
  VListGroup,
  VListItem,
  VListItemContent,
  VListItemHint,
  VListItemIcon,
  VMenu,
  VNotice,
  VOverlay,
  VPagination,
  VProgressCircular,
  VProgressLinear,
  VRadio,
  VSelect,
  VSheet,
  VSkeletonLoader,
  VSlider,
  VSwitch,
  VTab,
  VTabItem,
  VTabs,
  VTabsItems,
  VTextarea,
  VTextOverflow,
  VCheckboxTree: lazy(() => import('./VCheckboxTree.vue')),
  VDatePicker: lazy(() => import('./VDatePicker.vue')),
  VDrawer: lazy(() => import('./VDrawer.vue')),
  VFancySelect: lazy(() => import('./VFancySelect.vue')),
  VFieldList: lazy(() => import('./VFieldList.vue')),
  VFieldSelect: lazy(() => import('./VFieldSelect.vue')),
  VFieldTemplate: lazy(() => import('./VFieldTemplate.vue')),
  VTable: lazy(() => import('./VTable.vue')),
  VTemplateInput: lazy(() => import('./VTemplateInput.vue')),
  VUpload: lazy(() => import('./VUpload.vue')),
  VWorkspace: lazy(() => import('./VWorkspace.vue')),
  VWorkspaceTile: lazy(() => import('./VWorkspaceTile.vue')),
  VEmojiPicker: lazy(() => import('./VEmojiPicker.vue')),
  TransitionBounce,
  TransitionDialog,
  TransitionExpand,
  RenderDisplay,
  RenderTemplate,
  SidebarDetail,
  UserPopover,
  ValueNull,
  PrivateView: lazy(() => import('./PrivateView.vue')),
  PublicView: lazy(() => import('./PublicView.vue')),
  SharedView: lazy(() => import('./SharedView.vue')),
  ExportSidebarDetail: lazy(() => import('./ExportSidebarDetail.vue')),
  DocsWrapper: lazy(() => import('./DocsWrapper.vue')),
  DrawerItem: lazy(() => import('./DrawerItem.vue')),
  DrawerCollection: lazy(() => import('./DrawerCollection.vue')),
  DrawerBatch: lazy(() => import('./DrawerBatch.vue')),
  DrawerFiles: lazy(() => import('./DrawerFiles.vue')),
};

/** Registers the global components and directives; returns the function that removes them. */
export function registerBaseComponents(app) {
  for (const [name, component] of Object.entries(baseComponents)) app.component(name, component);
  const dropDirectives = registerDirectives(app);
  return () => {
    for (const name of Object.keys(baseComponents)) delete app._context.components[name];
    dropDirectives();
  };
}
