import { createRequire as __gpuBenchCreateRequire } from 'node:module'; const require = __gpuBenchCreateRequire(import.meta.url);
import{Backoff,CancelCommand$,CleanupError,DescribeInstanceInformation$,DescribeSpotPriceHistory$,GetCommandInvocation$,GetObject$,GetProducts$,InputError,Inputs,JSON_LINE_MARKER,ListObjectsV2$,MANAGED_BY,NoCapacityError,Outputs,PutObject$,QuotaError,RemoteScriptError,RunStateWriter,SendCommand$,TOOL,_ep0,_ep02,_ep03,_ep8,_mw0,_mw02,_mw03,_mw11,_mw7,awsErrorCode,checkCredentials,checkCredentialsOutlastRun,clientTokenBase,clientsFor,command,command2,command3,commonParams,describeOne,destroyClients,external_exports,findLiveByTags,isThrottlingOrInternal,lastLines,launchWithFallback,markedJsonLines,markedLines,redactDeep,redactor,renderCommand,resolveImage,runTags,sessionNameFor,sweepExpired,terminateAndConfirm,user_data_default,withRetry}from"./chunk-EEOLLQVY.js";import{getEndpointPlugin,makeBuilder}from"./chunk-ETFRXMWC.js";import{__commonJS,__require,__toESM}from"./chunk-YDIRGHSN.js";var require_identity=__commonJS({"node_modules/yaml/dist/nodes/identity.js"(exports){"use strict";var ALIAS=Symbol.for("yaml.alias"),DOC=Symbol.for("yaml.document"),MAP=Symbol.for("yaml.map"),PAIR=Symbol.for("yaml.pair"),SCALAR=Symbol.for("yaml.scalar"),SEQ=Symbol.for("yaml.seq"),NODE_TYPE=Symbol.for("yaml.node.type"),isAlias=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===ALIAS,isDocument=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===DOC,isMap=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===MAP,isPair=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===PAIR,isScalar=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===SCALAR,isSeq=node=>!!node&&typeof node=="object"&&node[NODE_TYPE]===SEQ;function isCollection(node){if(node&&typeof node=="object")switch(node[NODE_TYPE]){case MAP:case SEQ:return!0}return!1}function isNode(node){if(node&&typeof node=="object")switch(node[NODE_TYPE]){case ALIAS:case MAP:case SCALAR:case SEQ:return!0}return!1}var hasAnchor=node=>(isScalar(node)||isCollection(node))&&!!node.anchor;exports.ALIAS=ALIAS;exports.DOC=DOC;exports.MAP=MAP;exports.NODE_TYPE=NODE_TYPE;exports.PAIR=PAIR;exports.SCALAR=SCALAR;exports.SEQ=SEQ;exports.hasAnchor=hasAnchor;exports.isAlias=isAlias;exports.isCollection=isCollection;exports.isDocument=isDocument;exports.isMap=isMap;exports.isNode=isNode;exports.isPair=isPair;exports.isScalar=isScalar;exports.isSeq=isSeq}});var require_visit=__commonJS({"node_modules/yaml/dist/visit.js"(exports){"use strict";var identity=require_identity(),BREAK=Symbol("break visit"),SKIP=Symbol("skip children"),REMOVE=Symbol("remove node");function visit(node,visitor){let visitor_=initVisitor(visitor);identity.isDocument(node)?visit_(null,node.contents,visitor_,Object.freeze([node]))===REMOVE&&(node.contents=null):visit_(null,node,visitor_,Object.freeze([]))}visit.BREAK=BREAK;visit.SKIP=SKIP;visit.REMOVE=REMOVE;function visit_(key,node,visitor,path){let ctrl=callVisitor(key,node,visitor,path);if(identity.isNode(ctrl)||identity.isPair(ctrl))return replaceNode(key,path,ctrl),visit_(key,ctrl,visitor,path);if(typeof ctrl!="symbol"){if(identity.isCollection(node)){path=Object.freeze(path.concat(node));for(let i=0;i<node.items.length;++i){let ci=visit_(i,node.items[i],visitor,path);if(typeof ci=="number")i=ci-1;else{if(ci===BREAK)return BREAK;ci===REMOVE&&(node.items.splice(i,1),i-=1)}}}else if(identity.isPair(node)){path=Object.freeze(path.concat(node));let ck=visit_("key",node.key,visitor,path);if(ck===BREAK)return BREAK;ck===REMOVE&&(node.key=null);let cv=visit_("value",node.value,visitor,path);if(cv===BREAK)return BREAK;cv===REMOVE&&(node.value=null)}}return ctrl}async function visitAsync(node,visitor){let visitor_=initVisitor(visitor);identity.isDocument(node)?await visitAsync_(null,node.contents,visitor_,Object.freeze([node]))===REMOVE&&(node.contents=null):await visitAsync_(null,node,visitor_,Object.freeze([]))}visitAsync.BREAK=BREAK;visitAsync.SKIP=SKIP;visitAsync.REMOVE=REMOVE;async function visitAsync_(key,node,visitor,path){let ctrl=await callVisitor(key,node,visitor,path);if(identity.isNode(ctrl)||identity.isPair(ctrl))return replaceNode(key,path,ctrl),visitAsync_(key,ctrl,visitor,path);if(typeof ctrl!="symbol"){if(identity.isCollection(node)){path=Object.freeze(path.concat(node));for(let i=0;i<node.items.length;++i){let ci=await visitAsync_(i,node.items[i],visitor,path);if(typeof ci=="number")i=ci-1;else{if(ci===BREAK)return BREAK;ci===REMOVE&&(node.items.splice(i,1),i-=1)}}}else if(identity.isPair(node)){path=Object.freeze(path.concat(node));let ck=await visitAsync_("key",node.key,visitor,path);if(ck===BREAK)return BREAK;ck===REMOVE&&(node.key=null);let cv=await visitAsync_("value",node.value,visitor,path);if(cv===BREAK)return BREAK;cv===REMOVE&&(node.value=null)}}return ctrl}function initVisitor(visitor){return typeof visitor=="object"&&(visitor.Collection||visitor.Node||visitor.Value)?Object.assign({Alias:visitor.Node,Map:visitor.Node,Scalar:visitor.Node,Seq:visitor.Node},visitor.Value&&{Map:visitor.Value,Scalar:visitor.Value,Seq:visitor.Value},visitor.Collection&&{Map:visitor.Collection,Seq:visitor.Collection},visitor):visitor}function callVisitor(key,node,visitor,path){if(typeof visitor=="function")return visitor(key,node,path);if(identity.isMap(node))return visitor.Map?.(key,node,path);if(identity.isSeq(node))return visitor.Seq?.(key,node,path);if(identity.isPair(node))return visitor.Pair?.(key,node,path);if(identity.isScalar(node))return visitor.Scalar?.(key,node,path);if(identity.isAlias(node))return visitor.Alias?.(key,node,path)}function replaceNode(key,path,node){let parent=path[path.length-1];if(identity.isCollection(parent))parent.items[key]=node;else if(identity.isPair(parent))key==="key"?parent.key=node:parent.value=node;else if(identity.isDocument(parent))parent.contents=node;else{let pt=identity.isAlias(parent)?"alias":"scalar";throw new Error(`Cannot replace node with ${pt} parent`)}}exports.visit=visit;exports.visitAsync=visitAsync}});var require_directives=__commonJS({"node_modules/yaml/dist/doc/directives.js"(exports){"use strict";var identity=require_identity(),visit=require_visit(),escapeChars={"!":"%21",",":"%2C","[":"%5B","]":"%5D","{":"%7B","}":"%7D"},escapeTagName=tn=>tn.replace(/[!,[\]{}]/g,ch=>escapeChars[ch]),Directives=class _Directives{constructor(yaml,tags){this.docStart=null,this.docEnd=!1,this.yaml=Object.assign({},_Directives.defaultYaml,yaml),this.tags=Object.assign({},_Directives.defaultTags,tags)}clone(){let copy=new _Directives(this.yaml,this.tags);return copy.docStart=this.docStart,copy}atDocument(){let res=new _Directives(this.yaml,this.tags);switch(this.yaml.version){case"1.1":this.atNextDocument=!0;break;case"1.2":this.atNextDocument=!1,this.yaml={explicit:_Directives.defaultYaml.explicit,version:"1.2"},this.tags=Object.assign({},_Directives.defaultTags);break}return res}add(line,onError){this.atNextDocument&&(this.yaml={explicit:_Directives.defaultYaml.explicit,version:"1.1"},this.tags=Object.assign({},_Directives.defaultTags),this.atNextDocument=!1);let parts=line.trim().split(/[ \t]+/),name=parts.shift();switch(name){case"%TAG":{if(parts.length!==2&&(onError(0,"%TAG directive should contain exactly two parts"),parts.length<2))return!1;let[handle,prefix]=parts;return this.tags[handle]=prefix,!0}case"%YAML":{if(this.yaml.explicit=!0,parts.length!==1)return onError(0,"%YAML directive should contain exactly one part"),!1;let[version]=parts;if(version==="1.1"||version==="1.2")return this.yaml.version=version,!0;{let isValid=/^\d+\.\d+$/.test(version);return onError(6,`Unsupported YAML version ${version}`,isValid),!1}}default:return onError(0,`Unknown directive ${name}`,!0),!1}}tagName(source,onError){if(source==="!")return"!";if(source[0]!=="!")return onError(`Not a valid tag: ${source}`),null;if(source[1]==="<"){let verbatim=source.slice(2,-1);return verbatim==="!"||verbatim==="!!"?(onError(`Verbatim tags aren't resolved, so ${source} is invalid.`),null):(source[source.length-1]!==">"&&onError("Verbatim tags must end with a >"),verbatim)}let[,handle,suffix]=source.match(/^(.*!)([^!]*)$/s);suffix||onError(`The ${source} tag has no suffix`);let prefix=this.tags[handle];if(prefix)try{return prefix+decodeURIComponent(suffix)}catch(error){return onError(String(error)),null}return handle==="!"?source:(onError(`Could not resolve tag: ${source}`),null)}tagString(tag){for(let[handle,prefix]of Object.entries(this.tags))if(tag.startsWith(prefix))return handle+escapeTagName(tag.substring(prefix.length));return tag[0]==="!"?tag:`!<${tag}>`}toString(doc){let lines=this.yaml.explicit?[`%YAML ${this.yaml.version||"1.2"}`]:[],tagEntries=Object.entries(this.tags),tagNames;if(doc&&tagEntries.length>0&&identity.isNode(doc.contents)){let tags={};visit.visit(doc.contents,(_key,node)=>{identity.isNode(node)&&node.tag&&(tags[node.tag]=!0)}),tagNames=Object.keys(tags)}else tagNames=[];for(let[handle,prefix]of tagEntries)handle==="!!"&&prefix==="tag:yaml.org,2002:"||(!doc||tagNames.some(tn=>tn.startsWith(prefix)))&&lines.push(`%TAG ${handle} ${prefix}`);return lines.join(`
`)}};Directives.defaultYaml={explicit:!1,version:"1.2"};Directives.defaultTags={"!!":"tag:yaml.org,2002:"};exports.Directives=Directives}});var require_anchors=__commonJS({"node_modules/yaml/dist/doc/anchors.js"(exports){"use strict";var identity=require_identity(),visit=require_visit();function anchorIsValid(anchor){if(/[\x00-\x19\s,[\]{}]/.test(anchor)){let msg=`Anchor must not contain whitespace or control characters: ${JSON.stringify(anchor)}`;throw new Error(msg)}return!0}function anchorNames(root){let anchors=new Set;return visit.visit(root,{Value(_key,node){node.anchor&&anchors.add(node.anchor)}}),anchors}function findNewAnchor(prefix,exclude){for(let i=1;;++i){let name=`${prefix}${i}`;if(!exclude.has(name))return name}}function createNodeAnchors(doc,prefix){let aliasObjects=[],sourceObjects=new Map,prevAnchors=null;return{onAnchor:source=>{aliasObjects.push(source),prevAnchors??(prevAnchors=anchorNames(doc));let anchor=findNewAnchor(prefix,prevAnchors);return prevAnchors.add(anchor),anchor},setAnchors:()=>{for(let source of aliasObjects){let ref=sourceObjects.get(source);if(typeof ref=="object"&&ref.anchor&&(identity.isScalar(ref.node)||identity.isCollection(ref.node)))ref.node.anchor=ref.anchor;else{let error=new Error("Failed to resolve repeated object (this should not happen)");throw error.source=source,error}}},sourceObjects}}exports.anchorIsValid=anchorIsValid;exports.anchorNames=anchorNames;exports.createNodeAnchors=createNodeAnchors;exports.findNewAnchor=findNewAnchor}});var require_applyReviver=__commonJS({"node_modules/yaml/dist/doc/applyReviver.js"(exports){"use strict";function applyReviver(reviver,obj,key,val){if(val&&typeof val=="object")if(Array.isArray(val))for(let i=0,len=val.length;i<len;++i){let v0=val[i],v1=applyReviver(reviver,val,String(i),v0);v1===void 0?delete val[i]:v1!==v0&&(val[i]=v1)}else if(val instanceof Map)for(let k of Array.from(val.keys())){let v0=val.get(k),v1=applyReviver(reviver,val,k,v0);v1===void 0?val.delete(k):v1!==v0&&val.set(k,v1)}else if(val instanceof Set)for(let v0 of Array.from(val)){let v1=applyReviver(reviver,val,v0,v0);v1===void 0?val.delete(v0):v1!==v0&&(val.delete(v0),val.add(v1))}else for(let[k,v0]of Object.entries(val)){let v1=applyReviver(reviver,val,k,v0);v1===void 0?delete val[k]:v1!==v0&&(val[k]=v1)}return reviver.call(obj,key,val)}exports.applyReviver=applyReviver}});var require_toJS=__commonJS({"node_modules/yaml/dist/nodes/toJS.js"(exports){"use strict";var identity=require_identity();function toJS(value,arg,ctx){if(Array.isArray(value))return value.map((v,i)=>toJS(v,String(i),ctx));if(value&&typeof value.toJSON=="function"){if(!ctx||!identity.hasAnchor(value))return value.toJSON(arg,ctx);let data={aliasCount:0,count:1,res:void 0};ctx.anchors.set(value,data),ctx.onCreate=res2=>{data.res=res2,delete ctx.onCreate};let res=value.toJSON(arg,ctx);return ctx.onCreate&&ctx.onCreate(res),res}return typeof value=="bigint"&&!ctx?.keep?Number(value):value}exports.toJS=toJS}});var require_Node=__commonJS({"node_modules/yaml/dist/nodes/Node.js"(exports){"use strict";var applyReviver=require_applyReviver(),identity=require_identity(),toJS=require_toJS(),NodeBase=class{constructor(type){Object.defineProperty(this,identity.NODE_TYPE,{value:type})}clone(){let copy=Object.create(Object.getPrototypeOf(this),Object.getOwnPropertyDescriptors(this));return this.range&&(copy.range=this.range.slice()),copy}toJS(doc,{mapAsMap,maxAliasCount,onAnchor,reviver}={}){if(!identity.isDocument(doc))throw new TypeError("A document argument is required");let ctx={anchors:new Map,doc,keep:!0,mapAsMap:mapAsMap===!0,mapKeyWarned:!1,maxAliasCount:typeof maxAliasCount=="number"?maxAliasCount:100},res=toJS.toJS(this,"",ctx);if(typeof onAnchor=="function")for(let{count,res:res2}of ctx.anchors.values())onAnchor(res2,count);return typeof reviver=="function"?applyReviver.applyReviver(reviver,{"":res},"",res):res}};exports.NodeBase=NodeBase}});var require_Alias=__commonJS({"node_modules/yaml/dist/nodes/Alias.js"(exports){"use strict";var anchors=require_anchors(),visit=require_visit(),identity=require_identity(),Node=require_Node(),toJS=require_toJS(),Alias=class extends Node.NodeBase{constructor(source){super(identity.ALIAS),this.source=source,Object.defineProperty(this,"tag",{set(){throw new Error("Alias nodes cannot have tags")}})}resolve(doc,ctx){if(ctx?.maxAliasCount===0)throw new ReferenceError("Alias resolution is disabled");let nodes;ctx?.aliasResolveCache?nodes=ctx.aliasResolveCache:(nodes=[],visit.visit(doc,{Node:(_key,node)=>{(identity.isAlias(node)||identity.hasAnchor(node))&&nodes.push(node)}}),ctx&&(ctx.aliasResolveCache=nodes));let found;for(let node of nodes){if(node===this)break;node.anchor===this.source&&(found=node)}if(found&&ctx){let{anchors:anchors2,doc:doc2,maxAliasCount}=ctx,data=anchors2.get(found);if(data||(toJS.toJS(found,null,ctx),data=anchors2.get(found)),data?.res===void 0){let msg="This should not happen: Alias anchor was not resolved?";throw new ReferenceError(msg)}if(maxAliasCount>=0&&(data.count+=1,data.aliasCount===0&&(data.aliasCount=getAliasCount(doc2,found,anchors2)),data.count*data.aliasCount>maxAliasCount)){let msg="Excessive alias count indicates a resource exhaustion attack";throw new ReferenceError(msg)}}return found}toJSON(_arg,ctx){if(!ctx)return{source:this.source};let source=this.resolve(ctx.doc,ctx);if(!source){let msg=`Unresolved alias (the anchor must be set before the alias): ${this.source}`;throw new ReferenceError(msg)}return ctx.anchors.get(source).res}toString(ctx,_onComment,_onChompKeep){let src=`*${this.source}`;if(ctx){if(anchors.anchorIsValid(this.source),ctx.options.verifyAliasOrder&&!ctx.anchors.has(this.source)){let msg=`Unresolved alias (the anchor must be set before the alias): ${this.source}`;throw new Error(msg)}if(ctx.implicitKey)return`${src} `}return src}};function getAliasCount(doc,node,anchors2){if(identity.isAlias(node)){let source=node.resolve(doc),anchor=anchors2&&source&&anchors2.get(source);return anchor?anchor.count*anchor.aliasCount:0}else if(identity.isCollection(node)){let count=0;for(let item of node.items){let c=getAliasCount(doc,item,anchors2);c>count&&(count=c)}return count}else if(identity.isPair(node)){let kc=getAliasCount(doc,node.key,anchors2),vc=getAliasCount(doc,node.value,anchors2);return Math.max(kc,vc)}return 1}exports.Alias=Alias}});var require_Scalar=__commonJS({"node_modules/yaml/dist/nodes/Scalar.js"(exports){"use strict";var identity=require_identity(),Node=require_Node(),toJS=require_toJS(),isScalarValue=value=>!value||typeof value!="function"&&typeof value!="object",Scalar=class extends Node.NodeBase{constructor(value){super(identity.SCALAR),this.value=value}toJSON(arg,ctx){return ctx?.keep?this.value:toJS.toJS(this.value,arg,ctx)}toString(){return String(this.value)}};Scalar.BLOCK_FOLDED="BLOCK_FOLDED";Scalar.BLOCK_LITERAL="BLOCK_LITERAL";Scalar.PLAIN="PLAIN";Scalar.QUOTE_DOUBLE="QUOTE_DOUBLE";Scalar.QUOTE_SINGLE="QUOTE_SINGLE";exports.Scalar=Scalar;exports.isScalarValue=isScalarValue}});var require_createNode=__commonJS({"node_modules/yaml/dist/doc/createNode.js"(exports){"use strict";var Alias=require_Alias(),identity=require_identity(),Scalar=require_Scalar(),defaultTagPrefix="tag:yaml.org,2002:";function findTagObject(value,tagName,tags){if(tagName){let match=tags.filter(t=>t.tag===tagName),tagObj=match.find(t=>!t.format)??match[0];if(!tagObj)throw new Error(`Tag ${tagName} not found`);return tagObj}return tags.find(t=>t.identify?.(value)&&!t.format)}function createNode(value,tagName,ctx){if(identity.isDocument(value)&&(value=value.contents),identity.isNode(value))return value;if(identity.isPair(value)){let map=ctx.schema[identity.MAP].createNode?.(ctx.schema,null,ctx);return map.items.push(value),map}(value instanceof String||value instanceof Number||value instanceof Boolean||typeof BigInt<"u"&&value instanceof BigInt)&&(value=value.valueOf());let{aliasDuplicateObjects,onAnchor,onTagObj,schema,sourceObjects}=ctx,ref;if(aliasDuplicateObjects&&value&&typeof value=="object"){if(ref=sourceObjects.get(value),ref)return ref.anchor??(ref.anchor=onAnchor(value)),new Alias.Alias(ref.anchor);ref={anchor:null,node:null},sourceObjects.set(value,ref)}tagName?.startsWith("!!")&&(tagName=defaultTagPrefix+tagName.slice(2));let tagObj=findTagObject(value,tagName,schema.tags);if(!tagObj){if(value&&typeof value.toJSON=="function"&&(value=value.toJSON()),!value||typeof value!="object"){let node2=new Scalar.Scalar(value);return ref&&(ref.node=node2),node2}tagObj=value instanceof Map?schema[identity.MAP]:Symbol.iterator in Object(value)?schema[identity.SEQ]:schema[identity.MAP]}onTagObj&&(onTagObj(tagObj),delete ctx.onTagObj);let node=tagObj?.createNode?tagObj.createNode(ctx.schema,value,ctx):typeof tagObj?.nodeClass?.from=="function"?tagObj.nodeClass.from(ctx.schema,value,ctx):new Scalar.Scalar(value);return tagName?node.tag=tagName:tagObj.default||(node.tag=tagObj.tag),ref&&(ref.node=node),node}exports.createNode=createNode}});var require_Collection=__commonJS({"node_modules/yaml/dist/nodes/Collection.js"(exports){"use strict";var createNode=require_createNode(),identity=require_identity(),Node=require_Node();function collectionFromPath(schema,path,value){let v=value;for(let i=path.length-1;i>=0;--i){let k=path[i];if(typeof k=="number"&&Number.isInteger(k)&&k>=0){let a=[];a[k]=v,v=a}else v=new Map([[k,v]])}return createNode.createNode(v,void 0,{aliasDuplicateObjects:!1,keepUndefined:!1,onAnchor:()=>{throw new Error("This should not happen, please report a bug.")},schema,sourceObjects:new Map})}var isEmptyPath=path=>path==null||typeof path=="object"&&!!path[Symbol.iterator]().next().done,Collection=class extends Node.NodeBase{constructor(type,schema){super(type),Object.defineProperty(this,"schema",{value:schema,configurable:!0,enumerable:!1,writable:!0})}clone(schema){let copy=Object.create(Object.getPrototypeOf(this),Object.getOwnPropertyDescriptors(this));return schema&&(copy.schema=schema),copy.items=copy.items.map(it=>identity.isNode(it)||identity.isPair(it)?it.clone(schema):it),this.range&&(copy.range=this.range.slice()),copy}addIn(path,value){if(isEmptyPath(path))this.add(value);else{let[key,...rest]=path,node=this.get(key,!0);if(identity.isCollection(node))node.addIn(rest,value);else if(node===void 0&&this.schema)this.set(key,collectionFromPath(this.schema,rest,value));else throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`)}}deleteIn(path){let[key,...rest]=path;if(rest.length===0)return this.delete(key);let node=this.get(key,!0);if(identity.isCollection(node))return node.deleteIn(rest);throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`)}getIn(path,keepScalar){let[key,...rest]=path,node=this.get(key,!0);return rest.length===0?!keepScalar&&identity.isScalar(node)?node.value:node:identity.isCollection(node)?node.getIn(rest,keepScalar):void 0}hasAllNullValues(allowScalar){return this.items.every(node=>{if(!identity.isPair(node))return!1;let n=node.value;return n==null||allowScalar&&identity.isScalar(n)&&n.value==null&&!n.commentBefore&&!n.comment&&!n.tag})}hasIn(path){let[key,...rest]=path;if(rest.length===0)return this.has(key);let node=this.get(key,!0);return identity.isCollection(node)?node.hasIn(rest):!1}setIn(path,value){let[key,...rest]=path;if(rest.length===0)this.set(key,value);else{let node=this.get(key,!0);if(identity.isCollection(node))node.setIn(rest,value);else if(node===void 0&&this.schema)this.set(key,collectionFromPath(this.schema,rest,value));else throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`)}}};exports.Collection=Collection;exports.collectionFromPath=collectionFromPath;exports.isEmptyPath=isEmptyPath}});var require_stringifyComment=__commonJS({"node_modules/yaml/dist/stringify/stringifyComment.js"(exports){"use strict";var stringifyComment=str2=>str2.replace(/^(?!$)(?: $)?/gm,"#");function indentComment(comment,indent){return/^\n+$/.test(comment)?comment.substring(1):indent?comment.replace(/^(?! *$)/gm,indent):comment}var lineComment=(str2,indent,comment)=>str2.endsWith(`
`)?indentComment(comment,indent):comment.includes(`
`)?`
`+indentComment(comment,indent):(str2.endsWith(" ")?"":" ")+comment;exports.indentComment=indentComment;exports.lineComment=lineComment;exports.stringifyComment=stringifyComment}});var require_foldFlowLines=__commonJS({"node_modules/yaml/dist/stringify/foldFlowLines.js"(exports){"use strict";var FOLD_FLOW="flow",FOLD_BLOCK="block",FOLD_QUOTED="quoted";function foldFlowLines(text,indent,mode="flow",{indentAtStart,lineWidth=80,minContentWidth=20,onFold,onOverflow}={}){if(!lineWidth||lineWidth<0)return text;lineWidth<minContentWidth&&(minContentWidth=0);let endStep=Math.max(1+minContentWidth,1+lineWidth-indent.length);if(text.length<=endStep)return text;let folds=[],escapedFolds={},end=lineWidth-indent.length;typeof indentAtStart=="number"&&(indentAtStart>lineWidth-Math.max(2,minContentWidth)?folds.push(0):end=lineWidth-indentAtStart);let split,prev,overflow=!1,i=-1,escStart=-1,escEnd=-1;mode===FOLD_BLOCK&&(i=consumeMoreIndentedLines(text,i,indent.length),i!==-1&&(end=i+endStep));for(let ch;ch=text[i+=1];){if(mode===FOLD_QUOTED&&ch==="\\"){switch(escStart=i,text[i+1]){case"x":i+=3;break;case"u":i+=5;break;case"U":i+=9;break;default:i+=1}escEnd=i}if(ch===`
`)mode===FOLD_BLOCK&&(i=consumeMoreIndentedLines(text,i,indent.length)),end=i+indent.length+endStep,split=void 0;else{if(ch===" "&&prev&&prev!==" "&&prev!==`
`&&prev!=="	"){let next=text[i+1];next&&next!==" "&&next!==`
`&&next!=="	"&&(split=i)}if(i>=end)if(split)folds.push(split),end=split+endStep,split=void 0;else if(mode===FOLD_QUOTED){for(;prev===" "||prev==="	";)prev=ch,ch=text[i+=1],overflow=!0;let j=i>escEnd+1?i-2:escStart-1;if(escapedFolds[j])return text;folds.push(j),escapedFolds[j]=!0,end=j+endStep,split=void 0}else overflow=!0}prev=ch}if(overflow&&onOverflow&&onOverflow(),folds.length===0)return text;onFold&&onFold();let res=text.slice(0,folds[0]);for(let i2=0;i2<folds.length;++i2){let fold=folds[i2],end2=folds[i2+1]||text.length;fold===0?res=`
${indent}${text.slice(0,end2)}`:(mode===FOLD_QUOTED&&escapedFolds[fold]&&(res+=`${text[fold]}\\`),res+=`
${indent}${text.slice(fold+1,end2)}`)}return res}function consumeMoreIndentedLines(text,i,indent){let end=i,start=i+1,ch=text[start];for(;ch===" "||ch==="	";)if(i<start+indent)ch=text[++i];else{do ch=text[++i];while(ch&&ch!==`
`);end=i,start=i+1,ch=text[start]}return end}exports.FOLD_BLOCK=FOLD_BLOCK;exports.FOLD_FLOW=FOLD_FLOW;exports.FOLD_QUOTED=FOLD_QUOTED;exports.foldFlowLines=foldFlowLines}});var require_stringifyString=__commonJS({"node_modules/yaml/dist/stringify/stringifyString.js"(exports){"use strict";var Scalar=require_Scalar(),foldFlowLines=require_foldFlowLines(),getFoldOptions=(ctx,isBlock)=>({indentAtStart:isBlock?ctx.indent.length:ctx.indentAtStart,lineWidth:ctx.options.lineWidth,minContentWidth:ctx.options.minContentWidth}),containsDocumentMarker=str2=>/^(%|---|\.\.\.)/m.test(str2);function lineLengthOverLimit(str2,lineWidth,indentLength){if(!lineWidth||lineWidth<0)return!1;let limit=lineWidth-indentLength,strLen=str2.length;if(strLen<=limit)return!1;for(let i=0,start=0;i<strLen;++i)if(str2[i]===`
`){if(i-start>limit)return!0;if(start=i+1,strLen-start<=limit)return!1}return!0}function doubleQuotedString(value,ctx){let json=JSON.stringify(value);if(ctx.options.doubleQuotedAsJSON)return json;let{implicitKey}=ctx,minMultiLineLength=ctx.options.doubleQuotedMinMultiLineLength,indent=ctx.indent||(containsDocumentMarker(value)?"  ":""),str2="",start=0;for(let i=0,ch=json[i];ch;ch=json[++i])if(ch===" "&&json[i+1]==="\\"&&json[i+2]==="n"&&(str2+=json.slice(start,i)+"\\ ",i+=1,start=i,ch="\\"),ch==="\\")switch(json[i+1]){case"u":{str2+=json.slice(start,i);let code2=json.substr(i+2,4);switch(code2){case"0000":str2+="\\0";break;case"0007":str2+="\\a";break;case"000b":str2+="\\v";break;case"001b":str2+="\\e";break;case"0085":str2+="\\N";break;case"00a0":str2+="\\_";break;case"2028":str2+="\\L";break;case"2029":str2+="\\P";break;default:code2.substr(0,2)==="00"?str2+="\\x"+code2.substr(2):str2+=json.substr(i,6)}i+=5,start=i+1}break;case"n":if(implicitKey||json[i+2]==='"'||json.length<minMultiLineLength)i+=1;else{for(str2+=json.slice(start,i)+`

`;json[i+2]==="\\"&&json[i+3]==="n"&&json[i+4]!=='"';)str2+=`
`,i+=2;str2+=indent,json[i+2]===" "&&(str2+="\\"),i+=1,start=i+1}break;default:i+=1}return str2=start?str2+json.slice(start):json,implicitKey?str2:foldFlowLines.foldFlowLines(str2,indent,foldFlowLines.FOLD_QUOTED,getFoldOptions(ctx,!1))}function singleQuotedString(value,ctx){if(ctx.options.singleQuote===!1||ctx.implicitKey&&value.includes(`
`)||/[ \t]\n|\n[ \t]/.test(value))return doubleQuotedString(value,ctx);let indent=ctx.indent||(containsDocumentMarker(value)?"  ":""),res="'"+value.replace(/'/g,"''").replace(/\n+/g,`$&
${indent}`)+"'";return ctx.implicitKey?res:foldFlowLines.foldFlowLines(res,indent,foldFlowLines.FOLD_FLOW,getFoldOptions(ctx,!1))}function quotedString(value,ctx){let{singleQuote}=ctx.options,qs;if(singleQuote===!1)qs=doubleQuotedString;else{let hasDouble=value.includes('"'),hasSingle=value.includes("'");hasDouble&&!hasSingle?qs=singleQuotedString:hasSingle&&!hasDouble?qs=doubleQuotedString:qs=singleQuote?singleQuotedString:doubleQuotedString}return qs(value,ctx)}var blockEndNewlines;try{blockEndNewlines=new RegExp(`(^|(?<!
))
+(?!
|$)`,"g")}catch{blockEndNewlines=/\n+(?!\n|$)/g}function blockString({comment,type,value},ctx,onComment,onChompKeep){let{blockQuote,commentString,lineWidth}=ctx.options;if(!blockQuote||/\n[\t ]+$/.test(value))return quotedString(value,ctx);let indent=ctx.indent||(ctx.forceBlockIndent||containsDocumentMarker(value)?"  ":""),literal=blockQuote==="literal"?!0:blockQuote==="folded"||type===Scalar.Scalar.BLOCK_FOLDED?!1:type===Scalar.Scalar.BLOCK_LITERAL?!0:!lineLengthOverLimit(value,lineWidth,indent.length);if(!value)return literal?`|
`:`>
`;let chomp,endStart;for(endStart=value.length;endStart>0;--endStart){let ch=value[endStart-1];if(ch!==`
`&&ch!=="	"&&ch!==" ")break}let end=value.substring(endStart),endNlPos=end.indexOf(`
`);endNlPos===-1?chomp="-":value===end||endNlPos!==end.length-1?(chomp="+",onChompKeep&&onChompKeep()):chomp="",end&&(value=value.slice(0,-end.length),end[end.length-1]===`
`&&(end=end.slice(0,-1)),end=end.replace(blockEndNewlines,`$&${indent}`));let startWithSpace=!1,startEnd,startNlPos=-1;for(startEnd=0;startEnd<value.length;++startEnd){let ch=value[startEnd];if(ch===" ")startWithSpace=!0;else if(ch===`
`)startNlPos=startEnd;else break}let start=value.substring(0,startNlPos<startEnd?startNlPos+1:startEnd);start&&(value=value.substring(start.length),start=start.replace(/\n+/g,`$&${indent}`));let header=(startWithSpace?indent?"2":"1":"")+chomp;if(comment&&(header+=" "+commentString(comment.replace(/ ?[\r\n]+/g," ")),onComment&&onComment()),!literal){let foldedValue=value.replace(/\n+/g,`
$&`).replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g,"$1$2").replace(/\n+/g,`$&${indent}`),literalFallback=!1,foldOptions=getFoldOptions(ctx,!0);blockQuote!=="folded"&&type!==Scalar.Scalar.BLOCK_FOLDED&&(foldOptions.onOverflow=()=>{literalFallback=!0});let body=foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`,indent,foldFlowLines.FOLD_BLOCK,foldOptions);if(!literalFallback)return`>${header}
${indent}${body}`}return value=value.replace(/\n+/g,`$&${indent}`),`|${header}
${indent}${start}${value}${end}`}function plainString(item,ctx,onComment,onChompKeep){let{type,value}=item,{actualString,implicitKey,indent,indentStep,inFlow}=ctx;if(implicitKey&&value.includes(`
`)||inFlow&&/[[\]{},]/.test(value))return quotedString(value,ctx);if(/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value))return implicitKey||inFlow||!value.includes(`
`)?quotedString(value,ctx):blockString(item,ctx,onComment,onChompKeep);if(!implicitKey&&!inFlow&&type!==Scalar.Scalar.PLAIN&&value.includes(`
`))return blockString(item,ctx,onComment,onChompKeep);if(containsDocumentMarker(value)){if(indent==="")return ctx.forceBlockIndent=!0,blockString(item,ctx,onComment,onChompKeep);if(implicitKey&&indent===indentStep)return quotedString(value,ctx)}let str2=value.replace(/\n+/g,`$&
${indent}`);if(actualString){let test=tag=>tag.default&&tag.tag!=="tag:yaml.org,2002:str"&&tag.test?.test(str2),{compat,tags}=ctx.doc.schema;if(tags.some(test)||compat?.some(test))return quotedString(value,ctx)}return implicitKey?str2:foldFlowLines.foldFlowLines(str2,indent,foldFlowLines.FOLD_FLOW,getFoldOptions(ctx,!1))}function stringifyString(item,ctx,onComment,onChompKeep){let{implicitKey,inFlow}=ctx,ss=typeof item.value=="string"?item:Object.assign({},item,{value:String(item.value)}),{type}=item;type!==Scalar.Scalar.QUOTE_DOUBLE&&/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value)&&(type=Scalar.Scalar.QUOTE_DOUBLE);let _stringify=_type=>{switch(_type){case Scalar.Scalar.BLOCK_FOLDED:case Scalar.Scalar.BLOCK_LITERAL:return implicitKey||inFlow?quotedString(ss.value,ctx):blockString(ss,ctx,onComment,onChompKeep);case Scalar.Scalar.QUOTE_DOUBLE:return doubleQuotedString(ss.value,ctx);case Scalar.Scalar.QUOTE_SINGLE:return singleQuotedString(ss.value,ctx);case Scalar.Scalar.PLAIN:return plainString(ss,ctx,onComment,onChompKeep);default:return null}},res=_stringify(type);if(res===null){let{defaultKeyType,defaultStringType}=ctx.options,t=implicitKey&&defaultKeyType||defaultStringType;if(res=_stringify(t),res===null)throw new Error(`Unsupported default string type ${t}`)}return res}exports.stringifyString=stringifyString}});var require_stringify=__commonJS({"node_modules/yaml/dist/stringify/stringify.js"(exports){"use strict";var anchors=require_anchors(),identity=require_identity(),stringifyComment=require_stringifyComment(),stringifyString=require_stringifyString();function createStringifyContext(doc,options){let opt=Object.assign({blockQuote:!0,commentString:stringifyComment.stringifyComment,defaultKeyType:null,defaultStringType:"PLAIN",directives:null,doubleQuotedAsJSON:!1,doubleQuotedMinMultiLineLength:40,falseStr:"false",flowCollectionPadding:!0,indentSeq:!0,lineWidth:80,minContentWidth:20,nullStr:"null",simpleKeys:!1,singleQuote:null,trailingComma:!1,trueStr:"true",verifyAliasOrder:!0},doc.schema.toStringOptions,options),inFlow;switch(opt.collectionStyle){case"block":inFlow=!1;break;case"flow":inFlow=!0;break;default:inFlow=null}return{anchors:new Set,doc,flowCollectionPadding:opt.flowCollectionPadding?" ":"",indent:"",indentStep:typeof opt.indent=="number"?" ".repeat(opt.indent):"  ",inFlow,options:opt}}function getTagObject(tags,item){if(item.tag){let match=tags.filter(t=>t.tag===item.tag);if(match.length>0)return match.find(t=>t.format===item.format)??match[0]}let tagObj,obj;if(identity.isScalar(item)){obj=item.value;let match=tags.filter(t=>t.identify?.(obj));if(match.length>1){let testMatch=match.filter(t=>t.test);testMatch.length>0&&(match=testMatch)}tagObj=match.find(t=>t.format===item.format)??match.find(t=>!t.format)}else obj=item,tagObj=tags.find(t=>t.nodeClass&&obj instanceof t.nodeClass);if(!tagObj){let name=obj?.constructor?.name??(obj===null?"null":typeof obj);throw new Error(`Tag not resolved for ${name} value`)}return tagObj}function stringifyProps(node,tagObj,{anchors:anchors$1,doc}){if(!doc.directives)return"";let props=[],anchor=(identity.isScalar(node)||identity.isCollection(node))&&node.anchor;anchor&&anchors.anchorIsValid(anchor)&&(anchors$1.add(anchor),props.push(`&${anchor}`));let tag=node.tag??(tagObj.default?null:tagObj.tag);return tag&&props.push(doc.directives.tagString(tag)),props.join(" ")}function stringify(item,ctx,onComment,onChompKeep){if(identity.isPair(item))return item.toString(ctx,onComment,onChompKeep);if(identity.isAlias(item)){if(ctx.doc.directives)return item.toString(ctx);if(ctx.resolvedAliases?.has(item))throw new TypeError("Cannot stringify circular structure without alias nodes");ctx.resolvedAliases?ctx.resolvedAliases.add(item):ctx.resolvedAliases=new Set([item]),item=item.resolve(ctx.doc)}let tagObj,node=identity.isNode(item)?item:ctx.doc.createNode(item,{onTagObj:o=>tagObj=o});tagObj??(tagObj=getTagObject(ctx.doc.schema.tags,node));let props=stringifyProps(node,tagObj,ctx);props.length>0&&(ctx.indentAtStart=(ctx.indentAtStart??0)+props.length+1);let str2=typeof tagObj.stringify=="function"?tagObj.stringify(node,ctx,onComment,onChompKeep):identity.isScalar(node)?stringifyString.stringifyString(node,ctx,onComment,onChompKeep):node.toString(ctx,onComment,onChompKeep);return props?identity.isScalar(node)||str2[0]==="{"||str2[0]==="["?`${props} ${str2}`:`${props}
${ctx.indent}${str2}`:str2}exports.createStringifyContext=createStringifyContext;exports.stringify=stringify}});var require_stringifyPair=__commonJS({"node_modules/yaml/dist/stringify/stringifyPair.js"(exports){"use strict";var identity=require_identity(),Scalar=require_Scalar(),stringify=require_stringify(),stringifyComment=require_stringifyComment();function stringifyPair({key,value},ctx,onComment,onChompKeep){let{allNullValues,doc,indent,indentStep,options:{commentString,indentSeq,simpleKeys}}=ctx,keyComment=identity.isNode(key)&&key.comment||null;if(simpleKeys){if(keyComment)throw new Error("With simple keys, key nodes cannot have comments");if(identity.isCollection(key)||!identity.isNode(key)&&typeof key=="object"){let msg="With simple keys, collection cannot be used as a key value";throw new Error(msg)}}let explicitKey=!simpleKeys&&(!key||keyComment&&value==null&&!ctx.inFlow||identity.isCollection(key)||(identity.isScalar(key)?key.type===Scalar.Scalar.BLOCK_FOLDED||key.type===Scalar.Scalar.BLOCK_LITERAL:typeof key=="object"));ctx=Object.assign({},ctx,{allNullValues:!1,implicitKey:!explicitKey&&(simpleKeys||!allNullValues),indent:indent+indentStep});let keyCommentDone=!1,chompKeep=!1,str2=stringify.stringify(key,ctx,()=>keyCommentDone=!0,()=>chompKeep=!0);if(!explicitKey&&!ctx.inFlow&&str2.length>1024){if(simpleKeys)throw new Error("With simple keys, single line scalar must not span more than 1024 characters");explicitKey=!0}if(ctx.inFlow){if(allNullValues||value==null)return keyCommentDone&&onComment&&onComment(),str2===""?"?":explicitKey?`? ${str2}`:str2}else if(allNullValues&&!simpleKeys||value==null&&explicitKey)return str2=`? ${str2}`,keyComment&&!keyCommentDone?str2+=stringifyComment.lineComment(str2,ctx.indent,commentString(keyComment)):chompKeep&&onChompKeep&&onChompKeep(),str2;keyCommentDone&&(keyComment=null),explicitKey?(keyComment&&(str2+=stringifyComment.lineComment(str2,ctx.indent,commentString(keyComment))),str2=`? ${str2}
${indent}:`):(str2=`${str2}:`,keyComment&&(str2+=stringifyComment.lineComment(str2,ctx.indent,commentString(keyComment))));let vsb,vcb,valueComment;identity.isNode(value)?(vsb=!!value.spaceBefore,vcb=value.commentBefore,valueComment=value.comment):(vsb=!1,vcb=null,valueComment=null,value&&typeof value=="object"&&(value=doc.createNode(value))),ctx.implicitKey=!1,!explicitKey&&!keyComment&&identity.isScalar(value)&&(ctx.indentAtStart=str2.length+1),chompKeep=!1,!indentSeq&&indentStep.length>=2&&!ctx.inFlow&&!explicitKey&&identity.isSeq(value)&&!value.flow&&!value.tag&&!value.anchor&&(ctx.indent=ctx.indent.substring(2));let valueCommentDone=!1,valueStr=stringify.stringify(value,ctx,()=>valueCommentDone=!0,()=>chompKeep=!0),ws=" ";if(keyComment||vsb||vcb){if(ws=vsb?`
`:"",vcb){let cs=commentString(vcb);ws+=`
${stringifyComment.indentComment(cs,ctx.indent)}`}valueStr===""&&!ctx.inFlow?ws===`
`&&valueComment&&(ws=`

`):ws+=`
${ctx.indent}`}else if(!explicitKey&&identity.isCollection(value)){let vs0=valueStr[0],nl0=valueStr.indexOf(`
`),hasNewline=nl0!==-1,flow=ctx.inFlow??value.flow??value.items.length===0;if(hasNewline||!flow){let hasPropsLine=!1;if(hasNewline&&(vs0==="&"||vs0==="!")){let sp0=valueStr.indexOf(" ");vs0==="&"&&sp0!==-1&&sp0<nl0&&valueStr[sp0+1]==="!"&&(sp0=valueStr.indexOf(" ",sp0+1)),(sp0===-1||nl0<sp0)&&(hasPropsLine=!0)}hasPropsLine||(ws=`
${ctx.indent}`)}}else(valueStr===""||valueStr[0]===`
`)&&(ws="");return str2+=ws+valueStr,ctx.inFlow?valueCommentDone&&onComment&&onComment():valueComment&&!valueCommentDone?str2+=stringifyComment.lineComment(str2,ctx.indent,commentString(valueComment)):chompKeep&&onChompKeep&&onChompKeep(),str2}exports.stringifyPair=stringifyPair}});var require_log=__commonJS({"node_modules/yaml/dist/log.js"(exports){"use strict";var node_process=__require("process");function debug(logLevel,...messages){logLevel==="debug"&&console.log(...messages)}function warn(logLevel,warning){(logLevel==="debug"||logLevel==="warn")&&(typeof node_process.emitWarning=="function"?node_process.emitWarning(warning):console.warn(warning))}exports.debug=debug;exports.warn=warn}});var require_merge=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/merge.js"(exports){"use strict";var identity=require_identity(),Scalar=require_Scalar(),MERGE_KEY="<<",merge={identify:value=>value===MERGE_KEY||typeof value=="symbol"&&value.description===MERGE_KEY,default:"key",tag:"tag:yaml.org,2002:merge",test:/^<<$/,resolve:()=>Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)),{addToJSMap:addMergeToJSMap}),stringify:()=>MERGE_KEY},isMergeKey=(ctx,key)=>(merge.identify(key)||identity.isScalar(key)&&(!key.type||key.type===Scalar.Scalar.PLAIN)&&merge.identify(key.value))&&ctx?.doc.schema.tags.some(tag=>tag.tag===merge.tag&&tag.default);function addMergeToJSMap(ctx,map,value){let source=resolveAliasValue(ctx,value);if(identity.isSeq(source))for(let it of source.items)mergeValue(ctx,map,it);else if(Array.isArray(source))for(let it of source)mergeValue(ctx,map,it);else mergeValue(ctx,map,source)}function mergeValue(ctx,map,value){let source=resolveAliasValue(ctx,value);if(!identity.isMap(source))throw new Error("Merge sources must be maps or map aliases");let srcMap=source.toJSON(null,ctx,Map);for(let[key,value2]of srcMap)map instanceof Map?map.has(key)||map.set(key,value2):map instanceof Set?map.add(key):Object.prototype.hasOwnProperty.call(map,key)||Object.defineProperty(map,key,{value:value2,writable:!0,enumerable:!0,configurable:!0});return map}function resolveAliasValue(ctx,value){return ctx&&identity.isAlias(value)?value.resolve(ctx.doc,ctx):value}exports.addMergeToJSMap=addMergeToJSMap;exports.isMergeKey=isMergeKey;exports.merge=merge}});var require_addPairToJSMap=__commonJS({"node_modules/yaml/dist/nodes/addPairToJSMap.js"(exports){"use strict";var log=require_log(),merge=require_merge(),stringify=require_stringify(),identity=require_identity(),toJS=require_toJS();function addPairToJSMap(ctx,map,{key,value}){if(identity.isNode(key)&&key.addToJSMap)key.addToJSMap(ctx,map,value);else if(merge.isMergeKey(ctx,key))merge.addMergeToJSMap(ctx,map,value);else{let jsKey=toJS.toJS(key,"",ctx);if(map instanceof Map)map.set(jsKey,toJS.toJS(value,jsKey,ctx));else if(map instanceof Set)map.add(jsKey);else{let stringKey=stringifyKey(key,jsKey,ctx),jsValue=toJS.toJS(value,stringKey,ctx);stringKey in map?Object.defineProperty(map,stringKey,{value:jsValue,writable:!0,enumerable:!0,configurable:!0}):map[stringKey]=jsValue}}return map}function stringifyKey(key,jsKey,ctx){if(jsKey===null)return"";if(typeof jsKey!="object")return String(jsKey);if(identity.isNode(key)&&ctx?.doc){let strCtx=stringify.createStringifyContext(ctx.doc,{});strCtx.anchors=new Set;for(let node of ctx.anchors.keys())strCtx.anchors.add(node.anchor);strCtx.inFlow=!0,strCtx.inStringifyKey=!0;let strKey=key.toString(strCtx);if(!ctx.mapKeyWarned){let jsonStr=JSON.stringify(strKey);jsonStr.length>40&&(jsonStr=jsonStr.substring(0,36)+'..."'),log.warn(ctx.doc.options.logLevel,`Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`),ctx.mapKeyWarned=!0}return strKey}return JSON.stringify(jsKey)}exports.addPairToJSMap=addPairToJSMap}});var require_Pair=__commonJS({"node_modules/yaml/dist/nodes/Pair.js"(exports){"use strict";var createNode=require_createNode(),stringifyPair=require_stringifyPair(),addPairToJSMap=require_addPairToJSMap(),identity=require_identity();function createPair(key,value,ctx){let k=createNode.createNode(key,void 0,ctx),v=createNode.createNode(value,void 0,ctx);return new Pair(k,v)}var Pair=class _Pair{constructor(key,value=null){Object.defineProperty(this,identity.NODE_TYPE,{value:identity.PAIR}),this.key=key,this.value=value}clone(schema){let{key,value}=this;return identity.isNode(key)&&(key=key.clone(schema)),identity.isNode(value)&&(value=value.clone(schema)),new _Pair(key,value)}toJSON(_,ctx){let pair=ctx?.mapAsMap?new Map:{};return addPairToJSMap.addPairToJSMap(ctx,pair,this)}toString(ctx,onComment,onChompKeep){return ctx?.doc?stringifyPair.stringifyPair(this,ctx,onComment,onChompKeep):JSON.stringify(this)}};exports.Pair=Pair;exports.createPair=createPair}});var require_stringifyCollection=__commonJS({"node_modules/yaml/dist/stringify/stringifyCollection.js"(exports){"use strict";var identity=require_identity(),stringify=require_stringify(),stringifyComment=require_stringifyComment();function stringifyCollection(collection,ctx,options){return(ctx.inFlow??collection.flow?stringifyFlowCollection:stringifyBlockCollection)(collection,ctx,options)}function stringifyBlockCollection({comment,items},ctx,{blockItemPrefix,flowChars,itemIndent,onChompKeep,onComment}){let{indent,options:{commentString}}=ctx,itemCtx=Object.assign({},ctx,{indent:itemIndent,type:null}),chompKeep=!1,lines=[];for(let i=0;i<items.length;++i){let item=items[i],comment2=null;if(identity.isNode(item))!chompKeep&&item.spaceBefore&&lines.push(""),addCommentBefore(ctx,lines,item.commentBefore,chompKeep),item.comment&&(comment2=item.comment);else if(identity.isPair(item)){let ik=identity.isNode(item.key)?item.key:null;ik&&(!chompKeep&&ik.spaceBefore&&lines.push(""),addCommentBefore(ctx,lines,ik.commentBefore,chompKeep))}chompKeep=!1;let str3=stringify.stringify(item,itemCtx,()=>comment2=null,()=>chompKeep=!0);comment2&&(str3+=stringifyComment.lineComment(str3,itemIndent,commentString(comment2))),chompKeep&&comment2&&(chompKeep=!1),lines.push(blockItemPrefix+str3)}let str2;if(lines.length===0)str2=flowChars.start+flowChars.end;else{str2=lines[0];for(let i=1;i<lines.length;++i){let line=lines[i];str2+=line?`
${indent}${line}`:`
`}}return comment?(str2+=`
`+stringifyComment.indentComment(commentString(comment),indent),onComment&&onComment()):chompKeep&&onChompKeep&&onChompKeep(),str2}function stringifyFlowCollection({items},ctx,{flowChars,itemIndent}){let{indent,indentStep,flowCollectionPadding:fcPadding,options:{commentString}}=ctx;itemIndent+=indentStep;let itemCtx=Object.assign({},ctx,{indent:itemIndent,inFlow:!0,type:null}),reqNewline=!1,linesAtValue=0,lines=[];for(let i=0;i<items.length;++i){let item=items[i],comment=null;if(identity.isNode(item))item.spaceBefore&&lines.push(""),addCommentBefore(ctx,lines,item.commentBefore,!1),item.comment&&(comment=item.comment);else if(identity.isPair(item)){let ik=identity.isNode(item.key)?item.key:null;ik&&(ik.spaceBefore&&lines.push(""),addCommentBefore(ctx,lines,ik.commentBefore,!1),ik.comment&&(reqNewline=!0));let iv=identity.isNode(item.value)?item.value:null;iv?(iv.comment&&(comment=iv.comment),iv.commentBefore&&(reqNewline=!0)):item.value==null&&ik?.comment&&(comment=ik.comment)}comment&&(reqNewline=!0);let str2=stringify.stringify(item,itemCtx,()=>comment=null);reqNewline||(reqNewline=lines.length>linesAtValue||str2.includes(`
`)),i<items.length-1?str2+=",":ctx.options.trailingComma&&(ctx.options.lineWidth>0&&(reqNewline||(reqNewline=lines.reduce((sum,line)=>sum+line.length+2,2)+(str2.length+2)>ctx.options.lineWidth)),reqNewline&&(str2+=",")),comment&&(str2+=stringifyComment.lineComment(str2,itemIndent,commentString(comment))),lines.push(str2),linesAtValue=lines.length}let{start,end}=flowChars;if(lines.length===0)return start+end;if(!reqNewline){let len=lines.reduce((sum,line)=>sum+line.length+2,2);reqNewline=ctx.options.lineWidth>0&&len>ctx.options.lineWidth}if(reqNewline){let str2=start;for(let line of lines)str2+=line?`
${indentStep}${indent}${line}`:`
`;return`${str2}
${indent}${end}`}else return`${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`}function addCommentBefore({indent,options:{commentString}},lines,comment,chompKeep){if(comment&&chompKeep&&(comment=comment.replace(/^\n+/,"")),comment){let ic=stringifyComment.indentComment(commentString(comment),indent);lines.push(ic.trimStart())}}exports.stringifyCollection=stringifyCollection}});var require_YAMLMap=__commonJS({"node_modules/yaml/dist/nodes/YAMLMap.js"(exports){"use strict";var stringifyCollection=require_stringifyCollection(),addPairToJSMap=require_addPairToJSMap(),Collection=require_Collection(),identity=require_identity(),Pair=require_Pair(),Scalar=require_Scalar();function findPair(items,key){let k=identity.isScalar(key)?key.value:key;for(let it of items)if(identity.isPair(it)&&(it.key===key||it.key===k||identity.isScalar(it.key)&&it.key.value===k))return it}var YAMLMap=class extends Collection.Collection{static get tagName(){return"tag:yaml.org,2002:map"}constructor(schema){super(identity.MAP,schema),this.items=[]}static from(schema,obj,ctx){let{keepUndefined,replacer}=ctx,map=new this(schema),add=(key,value)=>{if(typeof replacer=="function")value=replacer.call(obj,key,value);else if(Array.isArray(replacer)&&!replacer.includes(key))return;(value!==void 0||keepUndefined)&&map.items.push(Pair.createPair(key,value,ctx))};if(obj instanceof Map)for(let[key,value]of obj)add(key,value);else if(obj&&typeof obj=="object")for(let key of Object.keys(obj))add(key,obj[key]);return typeof schema.sortMapEntries=="function"&&map.items.sort(schema.sortMapEntries),map}add(pair,overwrite){let _pair;identity.isPair(pair)?_pair=pair:!pair||typeof pair!="object"||!("key"in pair)?_pair=new Pair.Pair(pair,pair?.value):_pair=new Pair.Pair(pair.key,pair.value);let prev=findPair(this.items,_pair.key),sortEntries=this.schema?.sortMapEntries;if(prev){if(!overwrite)throw new Error(`Key ${_pair.key} already set`);identity.isScalar(prev.value)&&Scalar.isScalarValue(_pair.value)?prev.value.value=_pair.value:prev.value=_pair.value}else if(sortEntries){let i=this.items.findIndex(item=>sortEntries(_pair,item)<0);i===-1?this.items.push(_pair):this.items.splice(i,0,_pair)}else this.items.push(_pair)}delete(key){let it=findPair(this.items,key);return it?this.items.splice(this.items.indexOf(it),1).length>0:!1}get(key,keepScalar){let node=findPair(this.items,key)?.value;return(!keepScalar&&identity.isScalar(node)?node.value:node)??void 0}has(key){return!!findPair(this.items,key)}set(key,value){this.add(new Pair.Pair(key,value),!0)}toJSON(_,ctx,Type){let map=Type?new Type:ctx?.mapAsMap?new Map:{};ctx?.onCreate&&ctx.onCreate(map);for(let item of this.items)addPairToJSMap.addPairToJSMap(ctx,map,item);return map}toString(ctx,onComment,onChompKeep){if(!ctx)return JSON.stringify(this);for(let item of this.items)if(!identity.isPair(item))throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);return!ctx.allNullValues&&this.hasAllNullValues(!1)&&(ctx=Object.assign({},ctx,{allNullValues:!0})),stringifyCollection.stringifyCollection(this,ctx,{blockItemPrefix:"",flowChars:{start:"{",end:"}"},itemIndent:ctx.indent||"",onChompKeep,onComment})}};exports.YAMLMap=YAMLMap;exports.findPair=findPair}});var require_map=__commonJS({"node_modules/yaml/dist/schema/common/map.js"(exports){"use strict";var identity=require_identity(),YAMLMap=require_YAMLMap(),map={collection:"map",default:!0,nodeClass:YAMLMap.YAMLMap,tag:"tag:yaml.org,2002:map",resolve(map2,onError){return identity.isMap(map2)||onError("Expected a mapping for this tag"),map2},createNode:(schema,obj,ctx)=>YAMLMap.YAMLMap.from(schema,obj,ctx)};exports.map=map}});var require_YAMLSeq=__commonJS({"node_modules/yaml/dist/nodes/YAMLSeq.js"(exports){"use strict";var createNode=require_createNode(),stringifyCollection=require_stringifyCollection(),Collection=require_Collection(),identity=require_identity(),Scalar=require_Scalar(),toJS=require_toJS(),YAMLSeq=class extends Collection.Collection{static get tagName(){return"tag:yaml.org,2002:seq"}constructor(schema){super(identity.SEQ,schema),this.items=[]}add(value){this.items.push(value)}delete(key){let idx=asItemIndex(key);return typeof idx!="number"?!1:this.items.splice(idx,1).length>0}get(key,keepScalar){let idx=asItemIndex(key);if(typeof idx!="number")return;let it=this.items[idx];return!keepScalar&&identity.isScalar(it)?it.value:it}has(key){let idx=asItemIndex(key);return typeof idx=="number"&&idx<this.items.length}set(key,value){let idx=asItemIndex(key);if(typeof idx!="number")throw new Error(`Expected a valid index, not ${key}.`);let prev=this.items[idx];identity.isScalar(prev)&&Scalar.isScalarValue(value)?prev.value=value:this.items[idx]=value}toJSON(_,ctx){let seq=[];ctx?.onCreate&&ctx.onCreate(seq);let i=0;for(let item of this.items)seq.push(toJS.toJS(item,String(i++),ctx));return seq}toString(ctx,onComment,onChompKeep){return ctx?stringifyCollection.stringifyCollection(this,ctx,{blockItemPrefix:"- ",flowChars:{start:"[",end:"]"},itemIndent:(ctx.indent||"")+"  ",onChompKeep,onComment}):JSON.stringify(this)}static from(schema,obj,ctx){let{replacer}=ctx,seq=new this(schema);if(obj&&Symbol.iterator in Object(obj)){let i=0;for(let it of obj){if(typeof replacer=="function"){let key=obj instanceof Set?it:String(i++);it=replacer.call(obj,key,it)}seq.items.push(createNode.createNode(it,void 0,ctx))}}return seq}};function asItemIndex(key){let idx=identity.isScalar(key)?key.value:key;return idx&&typeof idx=="string"&&(idx=Number(idx)),typeof idx=="number"&&Number.isInteger(idx)&&idx>=0?idx:null}exports.YAMLSeq=YAMLSeq}});var require_seq=__commonJS({"node_modules/yaml/dist/schema/common/seq.js"(exports){"use strict";var identity=require_identity(),YAMLSeq=require_YAMLSeq(),seq={collection:"seq",default:!0,nodeClass:YAMLSeq.YAMLSeq,tag:"tag:yaml.org,2002:seq",resolve(seq2,onError){return identity.isSeq(seq2)||onError("Expected a sequence for this tag"),seq2},createNode:(schema,obj,ctx)=>YAMLSeq.YAMLSeq.from(schema,obj,ctx)};exports.seq=seq}});var require_string=__commonJS({"node_modules/yaml/dist/schema/common/string.js"(exports){"use strict";var stringifyString=require_stringifyString(),string={identify:value=>typeof value=="string",default:!0,tag:"tag:yaml.org,2002:str",resolve:str2=>str2,stringify(item,ctx,onComment,onChompKeep){return ctx=Object.assign({actualString:!0},ctx),stringifyString.stringifyString(item,ctx,onComment,onChompKeep)}};exports.string=string}});var require_null=__commonJS({"node_modules/yaml/dist/schema/common/null.js"(exports){"use strict";var Scalar=require_Scalar(),nullTag={identify:value=>value==null,createNode:()=>new Scalar.Scalar(null),default:!0,tag:"tag:yaml.org,2002:null",test:/^(?:~|[Nn]ull|NULL)?$/,resolve:()=>new Scalar.Scalar(null),stringify:({source},ctx)=>typeof source=="string"&&nullTag.test.test(source)?source:ctx.options.nullStr};exports.nullTag=nullTag}});var require_bool=__commonJS({"node_modules/yaml/dist/schema/core/bool.js"(exports){"use strict";var Scalar=require_Scalar(),boolTag={identify:value=>typeof value=="boolean",default:!0,tag:"tag:yaml.org,2002:bool",test:/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,resolve:str2=>new Scalar.Scalar(str2[0]==="t"||str2[0]==="T"),stringify({source,value},ctx){if(source&&boolTag.test.test(source)){let sv=source[0]==="t"||source[0]==="T";if(value===sv)return source}return value?ctx.options.trueStr:ctx.options.falseStr}};exports.boolTag=boolTag}});var require_stringifyNumber=__commonJS({"node_modules/yaml/dist/stringify/stringifyNumber.js"(exports){"use strict";function stringifyNumber({format,minFractionDigits,tag,value}){if(typeof value=="bigint")return String(value);let num5=typeof value=="number"?value:Number(value);if(!isFinite(num5))return isNaN(num5)?".nan":num5<0?"-.inf":".inf";let n=Object.is(value,-0)?"-0":JSON.stringify(value);if(!format&&minFractionDigits&&(!tag||tag==="tag:yaml.org,2002:float")&&/^-?\d/.test(n)&&!n.includes("e")){let i=n.indexOf(".");i<0&&(i=n.length,n+=".");let d=minFractionDigits-(n.length-i-1);for(;d-- >0;)n+="0"}return n}exports.stringifyNumber=stringifyNumber}});var require_float=__commonJS({"node_modules/yaml/dist/schema/core/float.js"(exports){"use strict";var Scalar=require_Scalar(),stringifyNumber=require_stringifyNumber(),floatNaN={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",test:/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,resolve:str2=>str2.slice(-3).toLowerCase()==="nan"?NaN:str2[0]==="-"?Number.NEGATIVE_INFINITY:Number.POSITIVE_INFINITY,stringify:stringifyNumber.stringifyNumber},floatExp={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",format:"EXP",test:/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,resolve:str2=>parseFloat(str2),stringify(node){let num5=Number(node.value);return isFinite(num5)?num5.toExponential():stringifyNumber.stringifyNumber(node)}},float={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",test:/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,resolve(str2){let node=new Scalar.Scalar(parseFloat(str2)),dot=str2.indexOf(".");return dot!==-1&&str2[str2.length-1]==="0"&&(node.minFractionDigits=str2.length-dot-1),node},stringify:stringifyNumber.stringifyNumber};exports.float=float;exports.floatExp=floatExp;exports.floatNaN=floatNaN}});var require_int=__commonJS({"node_modules/yaml/dist/schema/core/int.js"(exports){"use strict";var stringifyNumber=require_stringifyNumber(),intIdentify=value=>typeof value=="bigint"||Number.isInteger(value),intResolve=(str2,offset,radix,{intAsBigInt})=>intAsBigInt?BigInt(str2):parseInt(str2.substring(offset),radix);function intStringify(node,radix,prefix){let{value}=node;return intIdentify(value)&&value>=0?prefix+value.toString(radix):stringifyNumber.stringifyNumber(node)}var intOct={identify:value=>intIdentify(value)&&value>=0,default:!0,tag:"tag:yaml.org,2002:int",format:"OCT",test:/^0o[0-7]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,2,8,opt),stringify:node=>intStringify(node,8,"0o")},int={identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",test:/^[-+]?[0-9]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,0,10,opt),stringify:stringifyNumber.stringifyNumber},intHex={identify:value=>intIdentify(value)&&value>=0,default:!0,tag:"tag:yaml.org,2002:int",format:"HEX",test:/^0x[0-9a-fA-F]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,2,16,opt),stringify:node=>intStringify(node,16,"0x")};exports.int=int;exports.intHex=intHex;exports.intOct=intOct}});var require_schema=__commonJS({"node_modules/yaml/dist/schema/core/schema.js"(exports){"use strict";var map=require_map(),_null=require_null(),seq=require_seq(),string=require_string(),bool=require_bool(),float=require_float(),int=require_int(),schema=[map.map,seq.seq,string.string,_null.nullTag,bool.boolTag,int.intOct,int.int,int.intHex,float.floatNaN,float.floatExp,float.float];exports.schema=schema}});var require_schema2=__commonJS({"node_modules/yaml/dist/schema/json/schema.js"(exports){"use strict";var Scalar=require_Scalar(),map=require_map(),seq=require_seq();function intIdentify(value){return typeof value=="bigint"||Number.isInteger(value)}var stringifyJSON=({value})=>JSON.stringify(value),jsonScalars=[{identify:value=>typeof value=="string",default:!0,tag:"tag:yaml.org,2002:str",resolve:str2=>str2,stringify:stringifyJSON},{identify:value=>value==null,createNode:()=>new Scalar.Scalar(null),default:!0,tag:"tag:yaml.org,2002:null",test:/^null$/,resolve:()=>null,stringify:stringifyJSON},{identify:value=>typeof value=="boolean",default:!0,tag:"tag:yaml.org,2002:bool",test:/^true$|^false$/,resolve:str2=>str2==="true",stringify:stringifyJSON},{identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",test:/^-?(?:0|[1-9][0-9]*)$/,resolve:(str2,_onError,{intAsBigInt})=>intAsBigInt?BigInt(str2):parseInt(str2,10),stringify:({value})=>intIdentify(value)?value.toString():JSON.stringify(value)},{identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",test:/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,resolve:str2=>parseFloat(str2),stringify:stringifyJSON}],jsonError={default:!0,tag:"",test:/^/,resolve(str2,onError){return onError(`Unresolved plain scalar ${JSON.stringify(str2)}`),str2}},schema=[map.map,seq.seq].concat(jsonScalars,jsonError);exports.schema=schema}});var require_binary=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/binary.js"(exports){"use strict";var node_buffer=__require("buffer"),Scalar=require_Scalar(),stringifyString=require_stringifyString(),binary={identify:value=>value instanceof Uint8Array,default:!1,tag:"tag:yaml.org,2002:binary",resolve(src,onError){if(typeof node_buffer.Buffer=="function")return node_buffer.Buffer.from(src,"base64");if(typeof atob=="function"){let str2=atob(src.replace(/[\n\r]/g,"")),buffer=new Uint8Array(str2.length);for(let i=0;i<str2.length;++i)buffer[i]=str2.charCodeAt(i);return buffer}else return onError("This environment does not support reading binary tags; either Buffer or atob is required"),src},stringify({comment,type,value},ctx,onComment,onChompKeep){if(!value)return"";let buf=value,str2;if(typeof node_buffer.Buffer=="function")str2=buf instanceof node_buffer.Buffer?buf.toString("base64"):node_buffer.Buffer.from(buf.buffer).toString("base64");else if(typeof btoa=="function"){let s="";for(let i=0;i<buf.length;++i)s+=String.fromCharCode(buf[i]);str2=btoa(s)}else throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");if(type??(type=Scalar.Scalar.BLOCK_LITERAL),type!==Scalar.Scalar.QUOTE_DOUBLE){let lineWidth=Math.max(ctx.options.lineWidth-ctx.indent.length,ctx.options.minContentWidth),n=Math.ceil(str2.length/lineWidth),lines=new Array(n);for(let i=0,o=0;i<n;++i,o+=lineWidth)lines[i]=str2.substr(o,lineWidth);str2=lines.join(type===Scalar.Scalar.BLOCK_LITERAL?`
`:" ")}return stringifyString.stringifyString({comment,type,value:str2},ctx,onComment,onChompKeep)}};exports.binary=binary}});var require_pairs=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/pairs.js"(exports){"use strict";var identity=require_identity(),Pair=require_Pair(),Scalar=require_Scalar(),YAMLSeq=require_YAMLSeq();function resolvePairs(seq,onError){if(identity.isSeq(seq))for(let i=0;i<seq.items.length;++i){let item=seq.items[i];if(!identity.isPair(item)){if(identity.isMap(item)){item.items.length>1&&onError("Each pair must have its own sequence indicator");let pair=item.items[0]||new Pair.Pair(new Scalar.Scalar(null));if(item.commentBefore&&(pair.key.commentBefore=pair.key.commentBefore?`${item.commentBefore}
${pair.key.commentBefore}`:item.commentBefore),item.comment){let cn=pair.value??pair.key;cn.comment=cn.comment?`${item.comment}
${cn.comment}`:item.comment}item=pair}seq.items[i]=identity.isPair(item)?item:new Pair.Pair(item)}}else onError("Expected a sequence for this tag");return seq}function createPairs(schema,iterable,ctx){let{replacer}=ctx,pairs2=new YAMLSeq.YAMLSeq(schema);pairs2.tag="tag:yaml.org,2002:pairs";let i=0;if(iterable&&Symbol.iterator in Object(iterable))for(let it of iterable){typeof replacer=="function"&&(it=replacer.call(iterable,String(i++),it));let key,value;if(Array.isArray(it))if(it.length===2)key=it[0],value=it[1];else throw new TypeError(`Expected [key, value] tuple: ${it}`);else if(it&&it instanceof Object){let keys=Object.keys(it);if(keys.length===1)key=keys[0],value=it[key];else throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`)}else key=it;pairs2.items.push(Pair.createPair(key,value,ctx))}return pairs2}var pairs={collection:"seq",default:!1,tag:"tag:yaml.org,2002:pairs",resolve:resolvePairs,createNode:createPairs};exports.createPairs=createPairs;exports.pairs=pairs;exports.resolvePairs=resolvePairs}});var require_omap=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/omap.js"(exports){"use strict";var identity=require_identity(),toJS=require_toJS(),YAMLMap=require_YAMLMap(),YAMLSeq=require_YAMLSeq(),pairs=require_pairs(),YAMLOMap=class _YAMLOMap extends YAMLSeq.YAMLSeq{constructor(){super(),this.add=YAMLMap.YAMLMap.prototype.add.bind(this),this.delete=YAMLMap.YAMLMap.prototype.delete.bind(this),this.get=YAMLMap.YAMLMap.prototype.get.bind(this),this.has=YAMLMap.YAMLMap.prototype.has.bind(this),this.set=YAMLMap.YAMLMap.prototype.set.bind(this),this.tag=_YAMLOMap.tag}toJSON(_,ctx){if(!ctx)return super.toJSON(_);let map=new Map;ctx?.onCreate&&ctx.onCreate(map);for(let pair of this.items){let key,value;if(identity.isPair(pair)?(key=toJS.toJS(pair.key,"",ctx),value=toJS.toJS(pair.value,key,ctx)):key=toJS.toJS(pair,"",ctx),map.has(key))throw new Error("Ordered maps must not include duplicate keys");map.set(key,value)}return map}static from(schema,iterable,ctx){let pairs$1=pairs.createPairs(schema,iterable,ctx),omap2=new this;return omap2.items=pairs$1.items,omap2}};YAMLOMap.tag="tag:yaml.org,2002:omap";var omap={collection:"seq",identify:value=>value instanceof Map,nodeClass:YAMLOMap,default:!1,tag:"tag:yaml.org,2002:omap",resolve(seq,onError){let pairs$1=pairs.resolvePairs(seq,onError),seenKeys=[];for(let{key}of pairs$1.items)identity.isScalar(key)&&(seenKeys.includes(key.value)?onError(`Ordered maps must not include duplicate keys: ${key.value}`):seenKeys.push(key.value));return Object.assign(new YAMLOMap,pairs$1)},createNode:(schema,iterable,ctx)=>YAMLOMap.from(schema,iterable,ctx)};exports.YAMLOMap=YAMLOMap;exports.omap=omap}});var require_bool2=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/bool.js"(exports){"use strict";var Scalar=require_Scalar();function boolStringify({value,source},ctx){return source&&(value?trueTag:falseTag).test.test(source)?source:value?ctx.options.trueStr:ctx.options.falseStr}var trueTag={identify:value=>value===!0,default:!0,tag:"tag:yaml.org,2002:bool",test:/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,resolve:()=>new Scalar.Scalar(!0),stringify:boolStringify},falseTag={identify:value=>value===!1,default:!0,tag:"tag:yaml.org,2002:bool",test:/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,resolve:()=>new Scalar.Scalar(!1),stringify:boolStringify};exports.falseTag=falseTag;exports.trueTag=trueTag}});var require_float2=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/float.js"(exports){"use strict";var Scalar=require_Scalar(),stringifyNumber=require_stringifyNumber(),floatNaN={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",test:/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,resolve:str2=>str2.slice(-3).toLowerCase()==="nan"?NaN:str2[0]==="-"?Number.NEGATIVE_INFINITY:Number.POSITIVE_INFINITY,stringify:stringifyNumber.stringifyNumber},floatExp={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",format:"EXP",test:/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,resolve:str2=>parseFloat(str2.replace(/_/g,"")),stringify(node){let num5=Number(node.value);return isFinite(num5)?num5.toExponential():stringifyNumber.stringifyNumber(node)}},float={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",test:/^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,resolve(str2){let node=new Scalar.Scalar(parseFloat(str2.replace(/_/g,""))),dot=str2.indexOf(".");if(dot!==-1){let f=str2.substring(dot+1).replace(/_/g,"");f[f.length-1]==="0"&&(node.minFractionDigits=f.length)}return node},stringify:stringifyNumber.stringifyNumber};exports.float=float;exports.floatExp=floatExp;exports.floatNaN=floatNaN}});var require_int2=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/int.js"(exports){"use strict";var stringifyNumber=require_stringifyNumber(),intIdentify=value=>typeof value=="bigint"||Number.isInteger(value);function intResolve(str2,offset,radix,{intAsBigInt}){let sign=str2[0];if((sign==="-"||sign==="+")&&(offset+=1),str2=str2.substring(offset).replace(/_/g,""),intAsBigInt){switch(radix){case 2:str2=`0b${str2}`;break;case 8:str2=`0o${str2}`;break;case 16:str2=`0x${str2}`;break}let n2=BigInt(str2);return sign==="-"?BigInt(-1)*n2:n2}let n=parseInt(str2,radix);return sign==="-"?-1*n:n}function intStringify(node,radix,prefix){let{value}=node;if(intIdentify(value)){let str2=value.toString(radix);return value<0?"-"+prefix+str2.substr(1):prefix+str2}return stringifyNumber.stringifyNumber(node)}var intBin={identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",format:"BIN",test:/^[-+]?0b[0-1_]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,2,2,opt),stringify:node=>intStringify(node,2,"0b")},intOct={identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",format:"OCT",test:/^[-+]?0[0-7_]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,1,8,opt),stringify:node=>intStringify(node,8,"0")},int={identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",test:/^[-+]?[0-9][0-9_]*$/,resolve:(str2,_onError,opt)=>intResolve(str2,0,10,opt),stringify:stringifyNumber.stringifyNumber},intHex={identify:intIdentify,default:!0,tag:"tag:yaml.org,2002:int",format:"HEX",test:/^[-+]?0x[0-9a-fA-F_]+$/,resolve:(str2,_onError,opt)=>intResolve(str2,2,16,opt),stringify:node=>intStringify(node,16,"0x")};exports.int=int;exports.intBin=intBin;exports.intHex=intHex;exports.intOct=intOct}});var require_set=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/set.js"(exports){"use strict";var identity=require_identity(),Pair=require_Pair(),YAMLMap=require_YAMLMap(),YAMLSet=class _YAMLSet extends YAMLMap.YAMLMap{constructor(schema){super(schema),this.tag=_YAMLSet.tag}add(key){let pair;identity.isPair(key)?pair=key:key&&typeof key=="object"&&"key"in key&&"value"in key&&key.value===null?pair=new Pair.Pair(key.key,null):pair=new Pair.Pair(key,null),YAMLMap.findPair(this.items,pair.key)||this.items.push(pair)}get(key,keepPair){let pair=YAMLMap.findPair(this.items,key);return!keepPair&&identity.isPair(pair)?identity.isScalar(pair.key)?pair.key.value:pair.key:pair}set(key,value){if(typeof value!="boolean")throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);let prev=YAMLMap.findPair(this.items,key);prev&&!value?this.items.splice(this.items.indexOf(prev),1):!prev&&value&&this.items.push(new Pair.Pair(key))}toJSON(_,ctx){return super.toJSON(_,ctx,Set)}toString(ctx,onComment,onChompKeep){if(!ctx)return JSON.stringify(this);if(this.hasAllNullValues(!0))return super.toString(Object.assign({},ctx,{allNullValues:!0}),onComment,onChompKeep);throw new Error("Set items must all have null values")}static from(schema,iterable,ctx){let{replacer}=ctx,set2=new this(schema);if(iterable&&Symbol.iterator in Object(iterable))for(let value of iterable)typeof replacer=="function"&&(value=replacer.call(iterable,value,value)),set2.items.push(Pair.createPair(value,null,ctx));return set2}};YAMLSet.tag="tag:yaml.org,2002:set";var set={collection:"map",identify:value=>value instanceof Set,nodeClass:YAMLSet,default:!1,tag:"tag:yaml.org,2002:set",createNode:(schema,iterable,ctx)=>YAMLSet.from(schema,iterable,ctx),resolve(map,onError){if(identity.isMap(map)){if(map.hasAllNullValues(!0))return Object.assign(new YAMLSet,map);onError("Set items must all have null values")}else onError("Expected a mapping for this tag");return map}};exports.YAMLSet=YAMLSet;exports.set=set}});var require_timestamp=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/timestamp.js"(exports){"use strict";var stringifyNumber=require_stringifyNumber();function parseSexagesimal(str2,asBigInt){let sign=str2[0],parts=sign==="-"||sign==="+"?str2.substring(1):str2,num5=n=>asBigInt?BigInt(n):Number(n),res=parts.replace(/_/g,"").split(":").reduce((res2,p)=>res2*num5(60)+num5(p),num5(0));return sign==="-"?num5(-1)*res:res}function stringifySexagesimal(node){let{value}=node,num5=n=>n;if(typeof value=="bigint")num5=n=>BigInt(n);else if(isNaN(value)||!isFinite(value))return stringifyNumber.stringifyNumber(node);let sign="";value<0&&(sign="-",value*=num5(-1));let _60=num5(60),parts=[value%_60];return value<60?parts.unshift(0):(value=(value-parts[0])/_60,parts.unshift(value%_60),value>=60&&(value=(value-parts[0])/_60,parts.unshift(value))),sign+parts.map(n=>String(n).padStart(2,"0")).join(":").replace(/000000\d*$/,"")}var intTime={identify:value=>typeof value=="bigint"||Number.isInteger(value),default:!0,tag:"tag:yaml.org,2002:int",format:"TIME",test:/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,resolve:(str2,_onError,{intAsBigInt})=>parseSexagesimal(str2,intAsBigInt),stringify:stringifySexagesimal},floatTime={identify:value=>typeof value=="number",default:!0,tag:"tag:yaml.org,2002:float",format:"TIME",test:/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,resolve:str2=>parseSexagesimal(str2,!1),stringify:stringifySexagesimal},timestamp={identify:value=>value instanceof Date,default:!0,tag:"tag:yaml.org,2002:timestamp",test:RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),resolve(str2){let match=str2.match(timestamp.test);if(!match)throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");let[,year,month,day,hour,minute,second]=match.map(Number),millisec=match[7]?Number((match[7]+"00").substr(1,3)):0,date=Date.UTC(year,month-1,day,hour||0,minute||0,second||0,millisec),tz=match[8];if(tz&&tz!=="Z"){let d=parseSexagesimal(tz,!1);Math.abs(d)<30&&(d*=60),date-=6e4*d}return new Date(date)},stringify:({value})=>value?.toISOString().replace(/(T00:00:00)?\.000Z$/,"")??""};exports.floatTime=floatTime;exports.intTime=intTime;exports.timestamp=timestamp}});var require_schema3=__commonJS({"node_modules/yaml/dist/schema/yaml-1.1/schema.js"(exports){"use strict";var map=require_map(),_null=require_null(),seq=require_seq(),string=require_string(),binary=require_binary(),bool=require_bool2(),float=require_float2(),int=require_int2(),merge=require_merge(),omap=require_omap(),pairs=require_pairs(),set=require_set(),timestamp=require_timestamp(),schema=[map.map,seq.seq,string.string,_null.nullTag,bool.trueTag,bool.falseTag,int.intBin,int.intOct,int.int,int.intHex,float.floatNaN,float.floatExp,float.float,binary.binary,merge.merge,omap.omap,pairs.pairs,set.set,timestamp.intTime,timestamp.floatTime,timestamp.timestamp];exports.schema=schema}});var require_tags=__commonJS({"node_modules/yaml/dist/schema/tags.js"(exports){"use strict";var map=require_map(),_null=require_null(),seq=require_seq(),string=require_string(),bool=require_bool(),float=require_float(),int=require_int(),schema=require_schema(),schema$1=require_schema2(),binary=require_binary(),merge=require_merge(),omap=require_omap(),pairs=require_pairs(),schema$2=require_schema3(),set=require_set(),timestamp=require_timestamp(),schemas=new Map([["core",schema.schema],["failsafe",[map.map,seq.seq,string.string]],["json",schema$1.schema],["yaml11",schema$2.schema],["yaml-1.1",schema$2.schema]]),tagsByName={binary:binary.binary,bool:bool.boolTag,float:float.float,floatExp:float.floatExp,floatNaN:float.floatNaN,floatTime:timestamp.floatTime,int:int.int,intHex:int.intHex,intOct:int.intOct,intTime:timestamp.intTime,map:map.map,merge:merge.merge,null:_null.nullTag,omap:omap.omap,pairs:pairs.pairs,seq:seq.seq,set:set.set,timestamp:timestamp.timestamp},coreKnownTags={"tag:yaml.org,2002:binary":binary.binary,"tag:yaml.org,2002:merge":merge.merge,"tag:yaml.org,2002:omap":omap.omap,"tag:yaml.org,2002:pairs":pairs.pairs,"tag:yaml.org,2002:set":set.set,"tag:yaml.org,2002:timestamp":timestamp.timestamp};function getTags(customTags,schemaName,addMergeTag){let schemaTags=schemas.get(schemaName);if(schemaTags&&!customTags)return addMergeTag&&!schemaTags.includes(merge.merge)?schemaTags.concat(merge.merge):schemaTags.slice();let tags=schemaTags;if(!tags)if(Array.isArray(customTags))tags=[];else{let keys=Array.from(schemas.keys()).filter(key=>key!=="yaml11").map(key=>JSON.stringify(key)).join(", ");throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`)}if(Array.isArray(customTags))for(let tag of customTags)tags=tags.concat(tag);else typeof customTags=="function"&&(tags=customTags(tags.slice()));return addMergeTag&&(tags=tags.concat(merge.merge)),tags.reduce((tags2,tag)=>{let tagObj=typeof tag=="string"?tagsByName[tag]:tag;if(!tagObj){let tagName=JSON.stringify(tag),keys=Object.keys(tagsByName).map(key=>JSON.stringify(key)).join(", ");throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`)}return tags2.includes(tagObj)||tags2.push(tagObj),tags2},[])}exports.coreKnownTags=coreKnownTags;exports.getTags=getTags}});var require_Schema=__commonJS({"node_modules/yaml/dist/schema/Schema.js"(exports){"use strict";var identity=require_identity(),map=require_map(),seq=require_seq(),string=require_string(),tags=require_tags(),sortMapEntriesByKey=(a,b)=>a.key<b.key?-1:a.key>b.key?1:0,Schema=class _Schema{constructor({compat,customTags,merge,resolveKnownTags,schema,sortMapEntries,toStringDefaults}){this.compat=Array.isArray(compat)?tags.getTags(compat,"compat"):compat?tags.getTags(null,compat):null,this.name=typeof schema=="string"&&schema||"core",this.knownTags=resolveKnownTags?tags.coreKnownTags:{},this.tags=tags.getTags(customTags,this.name,merge),this.toStringOptions=toStringDefaults??null,Object.defineProperty(this,identity.MAP,{value:map.map}),Object.defineProperty(this,identity.SCALAR,{value:string.string}),Object.defineProperty(this,identity.SEQ,{value:seq.seq}),this.sortMapEntries=typeof sortMapEntries=="function"?sortMapEntries:sortMapEntries===!0?sortMapEntriesByKey:null}clone(){let copy=Object.create(_Schema.prototype,Object.getOwnPropertyDescriptors(this));return copy.tags=this.tags.slice(),copy}};exports.Schema=Schema}});var require_stringifyDocument=__commonJS({"node_modules/yaml/dist/stringify/stringifyDocument.js"(exports){"use strict";var identity=require_identity(),stringify=require_stringify(),stringifyComment=require_stringifyComment();function stringifyDocument(doc,options){let lines=[],hasDirectives=options.directives===!0;if(options.directives!==!1&&doc.directives){let dir=doc.directives.toString(doc);dir?(lines.push(dir),hasDirectives=!0):doc.directives.docStart&&(hasDirectives=!0)}hasDirectives&&lines.push("---");let ctx=stringify.createStringifyContext(doc,options),{commentString}=ctx.options;if(doc.commentBefore){lines.length!==1&&lines.unshift("");let cs=commentString(doc.commentBefore);lines.unshift(stringifyComment.indentComment(cs,""))}let chompKeep=!1,contentComment=null;if(doc.contents){if(identity.isNode(doc.contents)){if(doc.contents.spaceBefore&&hasDirectives&&lines.push(""),doc.contents.commentBefore){let cs=commentString(doc.contents.commentBefore);lines.push(stringifyComment.indentComment(cs,""))}ctx.forceBlockIndent=!!doc.comment,contentComment=doc.contents.comment}let onChompKeep=contentComment?void 0:()=>chompKeep=!0,body=stringify.stringify(doc.contents,ctx,()=>contentComment=null,onChompKeep);contentComment&&(body+=stringifyComment.lineComment(body,"",commentString(contentComment))),(body[0]==="|"||body[0]===">")&&lines[lines.length-1]==="---"?lines[lines.length-1]=`--- ${body}`:lines.push(body)}else lines.push(stringify.stringify(doc.contents,ctx));if(doc.directives?.docEnd)if(doc.comment){let cs=commentString(doc.comment);cs.includes(`
`)?(lines.push("..."),lines.push(stringifyComment.indentComment(cs,""))):lines.push(`... ${cs}`)}else lines.push("...");else{let dc=doc.comment;dc&&chompKeep&&(dc=dc.replace(/^\n+/,"")),dc&&((!chompKeep||contentComment)&&lines[lines.length-1]!==""&&lines.push(""),lines.push(stringifyComment.indentComment(commentString(dc),"")))}return lines.join(`
`)+`
`}exports.stringifyDocument=stringifyDocument}});var require_Document=__commonJS({"node_modules/yaml/dist/doc/Document.js"(exports){"use strict";var Alias=require_Alias(),Collection=require_Collection(),identity=require_identity(),Pair=require_Pair(),toJS=require_toJS(),Schema=require_Schema(),stringifyDocument=require_stringifyDocument(),anchors=require_anchors(),applyReviver=require_applyReviver(),createNode=require_createNode(),directives=require_directives(),Document=class _Document{constructor(value,replacer,options){this.commentBefore=null,this.comment=null,this.errors=[],this.warnings=[],Object.defineProperty(this,identity.NODE_TYPE,{value:identity.DOC});let _replacer=null;typeof replacer=="function"||Array.isArray(replacer)?_replacer=replacer:options===void 0&&replacer&&(options=replacer,replacer=void 0);let opt=Object.assign({intAsBigInt:!1,keepSourceTokens:!1,logLevel:"warn",prettyErrors:!0,strict:!0,stringKeys:!1,uniqueKeys:!0,version:"1.2"},options);this.options=opt;let{version}=opt;options?._directives?(this.directives=options._directives.atDocument(),this.directives.yaml.explicit&&(version=this.directives.yaml.version)):this.directives=new directives.Directives({version}),this.setSchema(version,options),this.contents=value===void 0?null:this.createNode(value,_replacer,options)}clone(){let copy=Object.create(_Document.prototype,{[identity.NODE_TYPE]:{value:identity.DOC}});return copy.commentBefore=this.commentBefore,copy.comment=this.comment,copy.errors=this.errors.slice(),copy.warnings=this.warnings.slice(),copy.options=Object.assign({},this.options),this.directives&&(copy.directives=this.directives.clone()),copy.schema=this.schema.clone(),copy.contents=identity.isNode(this.contents)?this.contents.clone(copy.schema):this.contents,this.range&&(copy.range=this.range.slice()),copy}add(value){assertCollection(this.contents)&&this.contents.add(value)}addIn(path,value){assertCollection(this.contents)&&this.contents.addIn(path,value)}createAlias(node,name){if(!node.anchor){let prev=anchors.anchorNames(this);node.anchor=!name||prev.has(name)?anchors.findNewAnchor(name||"a",prev):name}return new Alias.Alias(node.anchor)}createNode(value,replacer,options){let _replacer;if(typeof replacer=="function")value=replacer.call({"":value},"",value),_replacer=replacer;else if(Array.isArray(replacer)){let keyToStr=v=>typeof v=="number"||v instanceof String||v instanceof Number,asStr=replacer.filter(keyToStr).map(String);asStr.length>0&&(replacer=replacer.concat(asStr)),_replacer=replacer}else options===void 0&&replacer&&(options=replacer,replacer=void 0);let{aliasDuplicateObjects,anchorPrefix,flow,keepUndefined,onTagObj,tag}=options??{},{onAnchor,setAnchors,sourceObjects}=anchors.createNodeAnchors(this,anchorPrefix||"a"),ctx={aliasDuplicateObjects:aliasDuplicateObjects??!0,keepUndefined:keepUndefined??!1,onAnchor,onTagObj,replacer:_replacer,schema:this.schema,sourceObjects},node=createNode.createNode(value,tag,ctx);return flow&&identity.isCollection(node)&&(node.flow=!0),setAnchors(),node}createPair(key,value,options={}){let k=this.createNode(key,null,options),v=this.createNode(value,null,options);return new Pair.Pair(k,v)}delete(key){return assertCollection(this.contents)?this.contents.delete(key):!1}deleteIn(path){return Collection.isEmptyPath(path)?this.contents==null?!1:(this.contents=null,!0):assertCollection(this.contents)?this.contents.deleteIn(path):!1}get(key,keepScalar){return identity.isCollection(this.contents)?this.contents.get(key,keepScalar):void 0}getIn(path,keepScalar){return Collection.isEmptyPath(path)?!keepScalar&&identity.isScalar(this.contents)?this.contents.value:this.contents:identity.isCollection(this.contents)?this.contents.getIn(path,keepScalar):void 0}has(key){return identity.isCollection(this.contents)?this.contents.has(key):!1}hasIn(path){return Collection.isEmptyPath(path)?this.contents!==void 0:identity.isCollection(this.contents)?this.contents.hasIn(path):!1}set(key,value){this.contents==null?this.contents=Collection.collectionFromPath(this.schema,[key],value):assertCollection(this.contents)&&this.contents.set(key,value)}setIn(path,value){Collection.isEmptyPath(path)?this.contents=value:this.contents==null?this.contents=Collection.collectionFromPath(this.schema,Array.from(path),value):assertCollection(this.contents)&&this.contents.setIn(path,value)}setSchema(version,options={}){typeof version=="number"&&(version=String(version));let opt;switch(version){case"1.1":this.directives?this.directives.yaml.version="1.1":this.directives=new directives.Directives({version:"1.1"}),opt={resolveKnownTags:!1,schema:"yaml-1.1"};break;case"1.2":case"next":this.directives?this.directives.yaml.version=version:this.directives=new directives.Directives({version}),opt={resolveKnownTags:!0,schema:"core"};break;case null:this.directives&&delete this.directives,opt=null;break;default:{let sv=JSON.stringify(version);throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`)}}if(options.schema instanceof Object)this.schema=options.schema;else if(opt)this.schema=new Schema.Schema(Object.assign(opt,options));else throw new Error("With a null YAML version, the { schema: Schema } option is required")}toJS({json,jsonArg,mapAsMap,maxAliasCount,onAnchor,reviver}={}){let ctx={anchors:new Map,doc:this,keep:!json,mapAsMap:mapAsMap===!0,mapKeyWarned:!1,maxAliasCount:typeof maxAliasCount=="number"?maxAliasCount:100},res=toJS.toJS(this.contents,jsonArg??"",ctx);if(typeof onAnchor=="function")for(let{count,res:res2}of ctx.anchors.values())onAnchor(res2,count);return typeof reviver=="function"?applyReviver.applyReviver(reviver,{"":res},"",res):res}toJSON(jsonArg,onAnchor){return this.toJS({json:!0,jsonArg,mapAsMap:!1,onAnchor})}toString(options={}){if(this.errors.length>0)throw new Error("Document with errors cannot be stringified");if("indent"in options&&(!Number.isInteger(options.indent)||Number(options.indent)<=0)){let s=JSON.stringify(options.indent);throw new Error(`"indent" option must be a positive integer, not ${s}`)}return stringifyDocument.stringifyDocument(this,options)}};function assertCollection(contents){if(identity.isCollection(contents))return!0;throw new Error("Expected a YAML collection as document contents")}exports.Document=Document}});var require_errors=__commonJS({"node_modules/yaml/dist/errors.js"(exports){"use strict";var YAMLError=class extends Error{constructor(name,pos,code2,message){super(),this.name=name,this.code=code2,this.message=message,this.pos=pos}},YAMLParseError=class extends YAMLError{constructor(pos,code2,message){super("YAMLParseError",pos,code2,message)}},YAMLWarning=class extends YAMLError{constructor(pos,code2,message){super("YAMLWarning",pos,code2,message)}},prettifyError=(src,lc)=>error=>{if(error.pos[0]===-1)return;error.linePos=error.pos.map(pos=>lc.linePos(pos));let{line,col}=error.linePos[0];error.message+=` at line ${line}, column ${col}`;let ci=col-1,lineStr=src.substring(lc.lineStarts[line-1],lc.lineStarts[line]).replace(/[\n\r]+$/,"");if(ci>=60&&lineStr.length>80){let trimStart=Math.min(ci-39,lineStr.length-79);lineStr="\u2026"+lineStr.substring(trimStart),ci-=trimStart-1}if(lineStr.length>80&&(lineStr=lineStr.substring(0,79)+"\u2026"),line>1&&/^ *$/.test(lineStr.substring(0,ci))){let prev=src.substring(lc.lineStarts[line-2],lc.lineStarts[line-1]);prev.length>80&&(prev=prev.substring(0,79)+`\u2026
`),lineStr=prev+lineStr}if(/[^ ]/.test(lineStr)){let count=1,end=error.linePos[1];end?.line===line&&end.col>col&&(count=Math.max(1,Math.min(end.col-col,80-ci)));let pointer=" ".repeat(ci)+"^".repeat(count);error.message+=`:

${lineStr}
${pointer}
`}};exports.YAMLError=YAMLError;exports.YAMLParseError=YAMLParseError;exports.YAMLWarning=YAMLWarning;exports.prettifyError=prettifyError}});var require_resolve_props=__commonJS({"node_modules/yaml/dist/compose/resolve-props.js"(exports){"use strict";function resolveProps(tokens,{flow,indicator,next,offset,onError,parentIndent,startOnNewline}){let spaceBefore=!1,atNewline=startOnNewline,hasSpace=startOnNewline,comment="",commentSep="",hasNewline=!1,reqSpace=!1,tab=null,anchor=null,tag=null,newlineAfterProp=null,comma=null,found=null,start=null;for(let token of tokens)switch(reqSpace&&(token.type!=="space"&&token.type!=="newline"&&token.type!=="comma"&&onError(token.offset,"MISSING_CHAR","Tags and anchors must be separated from the next token by white space"),reqSpace=!1),tab&&(atNewline&&token.type!=="comment"&&token.type!=="newline"&&onError(tab,"TAB_AS_INDENT","Tabs are not allowed as indentation"),tab=null),token.type){case"space":!flow&&(indicator!=="doc-start"||next?.type!=="flow-collection")&&token.source.includes("	")&&(tab=token),hasSpace=!0;break;case"comment":{hasSpace||onError(token,"MISSING_CHAR","Comments must be separated from other tokens by white space characters");let cb=token.source.substring(1)||" ";comment?comment+=commentSep+cb:comment=cb,commentSep="",atNewline=!1;break}case"newline":atNewline?comment?comment+=token.source:(!found||indicator!=="seq-item-ind")&&(spaceBefore=!0):commentSep+=token.source,atNewline=!0,hasNewline=!0,(anchor||tag)&&(newlineAfterProp=token),hasSpace=!0;break;case"anchor":anchor&&onError(token,"MULTIPLE_ANCHORS","A node can have at most one anchor"),token.source.endsWith(":")&&onError(token.offset+token.source.length-1,"BAD_ALIAS","Anchor ending in : is ambiguous",!0),anchor=token,start??(start=token.offset),atNewline=!1,hasSpace=!1,reqSpace=!0;break;case"tag":{tag&&onError(token,"MULTIPLE_TAGS","A node can have at most one tag"),tag=token,start??(start=token.offset),atNewline=!1,hasSpace=!1,reqSpace=!0;break}case indicator:(anchor||tag)&&onError(token,"BAD_PROP_ORDER",`Anchors and tags must be after the ${token.source} indicator`),found&&onError(token,"UNEXPECTED_TOKEN",`Unexpected ${token.source} in ${flow??"collection"}`),found=token,atNewline=indicator==="seq-item-ind"||indicator==="explicit-key-ind",hasSpace=!1;break;case"comma":if(flow){comma&&onError(token,"UNEXPECTED_TOKEN",`Unexpected , in ${flow}`),comma=token,atNewline=!1,hasSpace=!1;break}default:onError(token,"UNEXPECTED_TOKEN",`Unexpected ${token.type} token`),atNewline=!1,hasSpace=!1}let last=tokens[tokens.length-1],end=last?last.offset+last.source.length:offset;return reqSpace&&next&&next.type!=="space"&&next.type!=="newline"&&next.type!=="comma"&&(next.type!=="scalar"||next.source!=="")&&onError(next.offset,"MISSING_CHAR","Tags and anchors must be separated from the next token by white space"),tab&&(atNewline&&tab.indent<=parentIndent||next?.type==="block-map"||next?.type==="block-seq")&&onError(tab,"TAB_AS_INDENT","Tabs are not allowed as indentation"),{comma,found,spaceBefore,comment,hasNewline,anchor,tag,newlineAfterProp,end,start:start??end}}exports.resolveProps=resolveProps}});var require_util_contains_newline=__commonJS({"node_modules/yaml/dist/compose/util-contains-newline.js"(exports){"use strict";function containsNewline(key){if(!key)return null;switch(key.type){case"alias":case"scalar":case"double-quoted-scalar":case"single-quoted-scalar":if(key.source.includes(`
`))return!0;if(key.end){for(let st of key.end)if(st.type==="newline")return!0}return!1;case"flow-collection":for(let it of key.items){for(let st of it.start)if(st.type==="newline")return!0;if(it.sep){for(let st of it.sep)if(st.type==="newline")return!0}if(containsNewline(it.key)||containsNewline(it.value))return!0}return!1;default:return!0}}exports.containsNewline=containsNewline}});var require_util_flow_indent_check=__commonJS({"node_modules/yaml/dist/compose/util-flow-indent-check.js"(exports){"use strict";var utilContainsNewline=require_util_contains_newline();function flowIndentCheck(indent,fc,onError){if(fc?.type==="flow-collection"){let end=fc.end[0];end.indent===indent&&(end.source==="]"||end.source==="}")&&utilContainsNewline.containsNewline(fc)&&onError(end,"BAD_INDENT","Flow end indicator should be more indented than parent",!0)}}exports.flowIndentCheck=flowIndentCheck}});var require_util_map_includes=__commonJS({"node_modules/yaml/dist/compose/util-map-includes.js"(exports){"use strict";var identity=require_identity();function mapIncludes(ctx,items,search){let{uniqueKeys}=ctx.options;if(uniqueKeys===!1)return!1;let isEqual=typeof uniqueKeys=="function"?uniqueKeys:(a,b)=>a===b||identity.isScalar(a)&&identity.isScalar(b)&&a.value===b.value;return items.some(pair=>isEqual(pair.key,search))}exports.mapIncludes=mapIncludes}});var require_resolve_block_map=__commonJS({"node_modules/yaml/dist/compose/resolve-block-map.js"(exports){"use strict";var Pair=require_Pair(),YAMLMap=require_YAMLMap(),resolveProps=require_resolve_props(),utilContainsNewline=require_util_contains_newline(),utilFlowIndentCheck=require_util_flow_indent_check(),utilMapIncludes=require_util_map_includes(),startColMsg="All mapping items must start at the same column";function resolveBlockMap({composeNode,composeEmptyNode},ctx,bm,onError,tag){let NodeClass=tag?.nodeClass??YAMLMap.YAMLMap,map=new NodeClass(ctx.schema);ctx.atRoot&&(ctx.atRoot=!1);let offset=bm.offset,commentEnd=null;for(let collItem of bm.items){let{start,key,sep:sep2,value}=collItem,keyProps=resolveProps.resolveProps(start,{indicator:"explicit-key-ind",next:key??sep2?.[0],offset,onError,parentIndent:bm.indent,startOnNewline:!0}),implicitKey=!keyProps.found;if(implicitKey){if(key&&(key.type==="block-seq"?onError(offset,"BLOCK_AS_IMPLICIT_KEY","A block sequence may not be used as an implicit map key"):"indent"in key&&key.indent!==bm.indent&&onError(offset,"BAD_INDENT",startColMsg)),!keyProps.anchor&&!keyProps.tag&&!sep2){commentEnd=keyProps.end,keyProps.comment&&(map.comment?map.comment+=`
`+keyProps.comment:map.comment=keyProps.comment);continue}(keyProps.newlineAfterProp||utilContainsNewline.containsNewline(key))&&onError(key??start[start.length-1],"MULTILINE_IMPLICIT_KEY","Implicit keys need to be on a single line")}else keyProps.found?.indent!==bm.indent&&onError(offset,"BAD_INDENT",startColMsg);ctx.atKey=!0;let keyStart=keyProps.end,keyNode=key?composeNode(ctx,key,keyProps,onError):composeEmptyNode(ctx,keyStart,start,null,keyProps,onError);ctx.schema.compat&&utilFlowIndentCheck.flowIndentCheck(bm.indent,key,onError),ctx.atKey=!1,utilMapIncludes.mapIncludes(ctx,map.items,keyNode)&&onError(keyStart,"DUPLICATE_KEY","Map keys must be unique");let valueProps=resolveProps.resolveProps(sep2??[],{indicator:"map-value-ind",next:value,offset:keyNode.range[2],onError,parentIndent:bm.indent,startOnNewline:!key||key.type==="block-scalar"});if(offset=valueProps.end,valueProps.found){implicitKey&&(value?.type==="block-map"&&!valueProps.hasNewline&&onError(offset,"BLOCK_AS_IMPLICIT_KEY","Nested mappings are not allowed in compact mappings"),ctx.options.strict&&keyProps.start<valueProps.found.offset-1024&&onError(keyNode.range,"KEY_OVER_1024_CHARS","The : indicator must be at most 1024 chars after the start of an implicit block mapping key"));let valueNode=value?composeNode(ctx,value,valueProps,onError):composeEmptyNode(ctx,offset,sep2,null,valueProps,onError);ctx.schema.compat&&utilFlowIndentCheck.flowIndentCheck(bm.indent,value,onError),offset=valueNode.range[2];let pair=new Pair.Pair(keyNode,valueNode);ctx.options.keepSourceTokens&&(pair.srcToken=collItem),map.items.push(pair)}else{implicitKey&&onError(keyNode.range,"MISSING_CHAR","Implicit map keys need to be followed by map values"),valueProps.comment&&(keyNode.comment?keyNode.comment+=`
`+valueProps.comment:keyNode.comment=valueProps.comment);let pair=new Pair.Pair(keyNode);ctx.options.keepSourceTokens&&(pair.srcToken=collItem),map.items.push(pair)}}return commentEnd&&commentEnd<offset&&onError(commentEnd,"IMPOSSIBLE","Map comment with trailing content"),map.range=[bm.offset,offset,commentEnd??offset],map}exports.resolveBlockMap=resolveBlockMap}});var require_resolve_block_seq=__commonJS({"node_modules/yaml/dist/compose/resolve-block-seq.js"(exports){"use strict";var YAMLSeq=require_YAMLSeq(),resolveProps=require_resolve_props(),utilFlowIndentCheck=require_util_flow_indent_check();function resolveBlockSeq({composeNode,composeEmptyNode},ctx,bs,onError,tag){let NodeClass=tag?.nodeClass??YAMLSeq.YAMLSeq,seq=new NodeClass(ctx.schema);ctx.atRoot&&(ctx.atRoot=!1),ctx.atKey&&(ctx.atKey=!1);let offset=bs.offset,commentEnd=null;for(let{start,value}of bs.items){let props=resolveProps.resolveProps(start,{indicator:"seq-item-ind",next:value,offset,onError,parentIndent:bs.indent,startOnNewline:!0});if(!props.found)if(props.anchor||props.tag||value)value?.type==="block-seq"?onError(props.end,"BAD_INDENT","All sequence items must start at the same column"):onError(offset,"MISSING_CHAR","Sequence item without - indicator");else{commentEnd=props.end,props.comment&&(seq.comment=props.comment);continue}let node=value?composeNode(ctx,value,props,onError):composeEmptyNode(ctx,props.end,start,null,props,onError);ctx.schema.compat&&utilFlowIndentCheck.flowIndentCheck(bs.indent,value,onError),offset=node.range[2],seq.items.push(node)}return seq.range=[bs.offset,offset,commentEnd??offset],seq}exports.resolveBlockSeq=resolveBlockSeq}});var require_resolve_end=__commonJS({"node_modules/yaml/dist/compose/resolve-end.js"(exports){"use strict";function resolveEnd(end,offset,reqSpace,onError){let comment="";if(end){let hasSpace=!1,sep2="";for(let token of end){let{source,type}=token;switch(type){case"space":hasSpace=!0;break;case"comment":{reqSpace&&!hasSpace&&onError(token,"MISSING_CHAR","Comments must be separated from other tokens by white space characters");let cb=source.substring(1)||" ";comment?comment+=sep2+cb:comment=cb,sep2="";break}case"newline":comment&&(sep2+=source),hasSpace=!0;break;default:onError(token,"UNEXPECTED_TOKEN",`Unexpected ${type} at node end`)}offset+=source.length}}return{comment,offset}}exports.resolveEnd=resolveEnd}});var require_resolve_flow_collection=__commonJS({"node_modules/yaml/dist/compose/resolve-flow-collection.js"(exports){"use strict";var identity=require_identity(),Pair=require_Pair(),YAMLMap=require_YAMLMap(),YAMLSeq=require_YAMLSeq(),resolveEnd=require_resolve_end(),resolveProps=require_resolve_props(),utilContainsNewline=require_util_contains_newline(),utilMapIncludes=require_util_map_includes(),blockMsg="Block collections are not allowed within flow collections",isBlock=token=>token&&(token.type==="block-map"||token.type==="block-seq");function resolveFlowCollection({composeNode,composeEmptyNode},ctx,fc,onError,tag){let isMap=fc.start.source==="{",fcName=isMap?"flow map":"flow sequence",NodeClass=tag?.nodeClass??(isMap?YAMLMap.YAMLMap:YAMLSeq.YAMLSeq),coll=new NodeClass(ctx.schema);coll.flow=!0;let atRoot=ctx.atRoot;atRoot&&(ctx.atRoot=!1),ctx.atKey&&(ctx.atKey=!1);let offset=fc.offset+fc.start.source.length;for(let i=0;i<fc.items.length;++i){let collItem=fc.items[i],{start,key,sep:sep2,value}=collItem,props=resolveProps.resolveProps(start,{flow:fcName,indicator:"explicit-key-ind",next:key??sep2?.[0],offset,onError,parentIndent:fc.indent,startOnNewline:!1});if(!props.found){if(!props.anchor&&!props.tag&&!sep2&&!value){i===0&&props.comma?onError(props.comma,"UNEXPECTED_TOKEN",`Unexpected , in ${fcName}`):i<fc.items.length-1&&onError(props.start,"UNEXPECTED_TOKEN",`Unexpected empty item in ${fcName}`),props.comment&&(coll.comment?coll.comment+=`
`+props.comment:coll.comment=props.comment),offset=props.end;continue}!isMap&&ctx.options.strict&&utilContainsNewline.containsNewline(key)&&onError(key,"MULTILINE_IMPLICIT_KEY","Implicit keys of flow sequence pairs need to be on a single line")}if(i===0)props.comma&&onError(props.comma,"UNEXPECTED_TOKEN",`Unexpected , in ${fcName}`);else if(props.comma||onError(props.start,"MISSING_CHAR",`Missing , between ${fcName} items`),props.comment){let prevItemComment="";loop:for(let st of start)switch(st.type){case"comma":case"space":break;case"comment":prevItemComment=st.source.substring(1);break loop;default:break loop}if(prevItemComment){let prev=coll.items[coll.items.length-1];identity.isPair(prev)&&(prev=prev.value??prev.key),prev.comment?prev.comment+=`
`+prevItemComment:prev.comment=prevItemComment,props.comment=props.comment.substring(prevItemComment.length+1)}}if(!isMap&&!sep2&&!props.found){let valueNode=value?composeNode(ctx,value,props,onError):composeEmptyNode(ctx,props.end,sep2,null,props,onError);coll.items.push(valueNode),offset=valueNode.range[2],isBlock(value)&&onError(valueNode.range,"BLOCK_IN_FLOW",blockMsg)}else{ctx.atKey=!0;let keyStart=props.end,keyNode=key?composeNode(ctx,key,props,onError):composeEmptyNode(ctx,keyStart,start,null,props,onError);isBlock(key)&&onError(keyNode.range,"BLOCK_IN_FLOW",blockMsg),ctx.atKey=!1;let valueProps=resolveProps.resolveProps(sep2??[],{flow:fcName,indicator:"map-value-ind",next:value,offset:keyNode.range[2],onError,parentIndent:fc.indent,startOnNewline:!1});if(valueProps.found){if(!isMap&&!props.found&&ctx.options.strict){if(sep2)for(let st of sep2){if(st===valueProps.found)break;if(st.type==="newline"){onError(st,"MULTILINE_IMPLICIT_KEY","Implicit keys of flow sequence pairs need to be on a single line");break}}props.start<valueProps.found.offset-1024&&onError(valueProps.found,"KEY_OVER_1024_CHARS","The : indicator must be at most 1024 chars after the start of an implicit flow sequence key")}}else value&&("source"in value&&value.source?.[0]===":"?onError(value,"MISSING_CHAR",`Missing space after : in ${fcName}`):onError(valueProps.start,"MISSING_CHAR",`Missing , or : between ${fcName} items`));let valueNode=value?composeNode(ctx,value,valueProps,onError):valueProps.found?composeEmptyNode(ctx,valueProps.end,sep2,null,valueProps,onError):null;valueNode?isBlock(value)&&onError(valueNode.range,"BLOCK_IN_FLOW",blockMsg):valueProps.comment&&(keyNode.comment?keyNode.comment+=`
`+valueProps.comment:keyNode.comment=valueProps.comment);let pair=new Pair.Pair(keyNode,valueNode);if(ctx.options.keepSourceTokens&&(pair.srcToken=collItem),isMap){let map=coll;utilMapIncludes.mapIncludes(ctx,map.items,keyNode)&&onError(keyStart,"DUPLICATE_KEY","Map keys must be unique"),map.items.push(pair)}else{let map=new YAMLMap.YAMLMap(ctx.schema);map.flow=!0,map.items.push(pair);let endRange=(valueNode??keyNode).range;map.range=[keyNode.range[0],endRange[1],endRange[2]],coll.items.push(map)}offset=valueNode?valueNode.range[2]:valueProps.end}}let expectedEnd=isMap?"}":"]",[ce,...ee]=fc.end,cePos=offset;if(ce?.source===expectedEnd)cePos=ce.offset+ce.source.length;else{let name=fcName[0].toUpperCase()+fcName.substring(1),msg=atRoot?`${name} must end with a ${expectedEnd}`:`${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;onError(offset,atRoot?"MISSING_CHAR":"BAD_INDENT",msg),ce&&ce.source.length!==1&&ee.unshift(ce)}if(ee.length>0){let end=resolveEnd.resolveEnd(ee,cePos,ctx.options.strict,onError);end.comment&&(coll.comment?coll.comment+=`
`+end.comment:coll.comment=end.comment),coll.range=[fc.offset,cePos,end.offset]}else coll.range=[fc.offset,cePos,cePos];return coll}exports.resolveFlowCollection=resolveFlowCollection}});var require_compose_collection=__commonJS({"node_modules/yaml/dist/compose/compose-collection.js"(exports){"use strict";var identity=require_identity(),Scalar=require_Scalar(),YAMLMap=require_YAMLMap(),YAMLSeq=require_YAMLSeq(),resolveBlockMap=require_resolve_block_map(),resolveBlockSeq=require_resolve_block_seq(),resolveFlowCollection=require_resolve_flow_collection();function resolveCollection(CN,ctx,token,onError,tagName,tag){let coll=token.type==="block-map"?resolveBlockMap.resolveBlockMap(CN,ctx,token,onError,tag):token.type==="block-seq"?resolveBlockSeq.resolveBlockSeq(CN,ctx,token,onError,tag):resolveFlowCollection.resolveFlowCollection(CN,ctx,token,onError,tag),Coll=coll.constructor;return tagName==="!"||tagName===Coll.tagName?(coll.tag=Coll.tagName,coll):(tagName&&(coll.tag=tagName),coll)}function composeCollection(CN,ctx,token,props,onError){let tagToken=props.tag,tagName=tagToken?ctx.directives.tagName(tagToken.source,msg=>onError(tagToken,"TAG_RESOLVE_FAILED",msg)):null;if(token.type==="block-seq"){let{anchor,newlineAfterProp:nl}=props,lastProp=anchor&&tagToken?anchor.offset>tagToken.offset?anchor:tagToken:anchor??tagToken;lastProp&&(!nl||nl.offset<lastProp.offset)&&onError(lastProp,"MISSING_CHAR","Missing newline after block sequence props")}let expType=token.type==="block-map"?"map":token.type==="block-seq"?"seq":token.start.source==="{"?"map":"seq";if(!tagToken||!tagName||tagName==="!"||tagName===YAMLMap.YAMLMap.tagName&&expType==="map"||tagName===YAMLSeq.YAMLSeq.tagName&&expType==="seq")return resolveCollection(CN,ctx,token,onError,tagName);let tag=ctx.schema.tags.find(t=>t.tag===tagName&&t.collection===expType);if(!tag){let kt=ctx.schema.knownTags[tagName];if(kt?.collection===expType)ctx.schema.tags.push(Object.assign({},kt,{default:!1})),tag=kt;else return kt?onError(tagToken,"BAD_COLLECTION_TYPE",`${kt.tag} used for ${expType} collection, but expects ${kt.collection??"scalar"}`,!0):onError(tagToken,"TAG_RESOLVE_FAILED",`Unresolved tag: ${tagName}`,!0),resolveCollection(CN,ctx,token,onError,tagName)}let coll=resolveCollection(CN,ctx,token,onError,tagName,tag),res=tag.resolve?.(coll,msg=>onError(tagToken,"TAG_RESOLVE_FAILED",msg),ctx.options)??coll,node=identity.isNode(res)?res:new Scalar.Scalar(res);return node.range=coll.range,node.tag=tagName,tag?.format&&(node.format=tag.format),node}exports.composeCollection=composeCollection}});var require_resolve_block_scalar=__commonJS({"node_modules/yaml/dist/compose/resolve-block-scalar.js"(exports){"use strict";var Scalar=require_Scalar();function resolveBlockScalar(ctx,scalar,onError){let start=scalar.offset,header=parseBlockScalarHeader(scalar,ctx.options.strict,onError);if(!header)return{value:"",type:null,comment:"",range:[start,start,start]};let type=header.mode===">"?Scalar.Scalar.BLOCK_FOLDED:Scalar.Scalar.BLOCK_LITERAL,lines=scalar.source?splitLines(scalar.source):[],chompStart=lines.length;for(let i=lines.length-1;i>=0;--i){let content=lines[i][1];if(content===""||content==="\r")chompStart=i;else break}if(chompStart===0){let value2=header.chomp==="+"&&lines.length>0?`
`.repeat(Math.max(1,lines.length-1)):"",end2=start+header.length;return scalar.source&&(end2+=scalar.source.length),{value:value2,type,comment:header.comment,range:[start,end2,end2]}}let trimIndent=scalar.indent+header.indent,offset=scalar.offset+header.length,contentStart=0;for(let i=0;i<chompStart;++i){let[indent,content]=lines[i];if(content===""||content==="\r")header.indent===0&&indent.length>trimIndent&&(trimIndent=indent.length);else{indent.length<trimIndent&&onError(offset+indent.length,"MISSING_CHAR","Block scalars with more-indented leading empty lines must use an explicit indentation indicator"),header.indent===0&&(trimIndent=indent.length),contentStart=i,trimIndent===0&&!ctx.atRoot&&onError(offset,"BAD_INDENT","Block scalar values in collections must be indented");break}offset+=indent.length+content.length+1}for(let i=lines.length-1;i>=chompStart;--i)lines[i][0].length>trimIndent&&(chompStart=i+1);let value="",sep2="",prevMoreIndented=!1;for(let i=0;i<contentStart;++i)value+=lines[i][0].slice(trimIndent)+`
`;for(let i=contentStart;i<chompStart;++i){let[indent,content]=lines[i];offset+=indent.length+content.length+1;let crlf=content[content.length-1]==="\r";if(crlf&&(content=content.slice(0,-1)),content&&indent.length<trimIndent){let message=`Block scalar lines must not be less indented than their ${header.indent?"explicit indentation indicator":"first line"}`;onError(offset-content.length-(crlf?2:1),"BAD_INDENT",message),indent=""}type===Scalar.Scalar.BLOCK_LITERAL?(value+=sep2+indent.slice(trimIndent)+content,sep2=`
`):indent.length>trimIndent||content[0]==="	"?(sep2===" "?sep2=`
`:!prevMoreIndented&&sep2===`
`&&(sep2=`

`),value+=sep2+indent.slice(trimIndent)+content,sep2=`
`,prevMoreIndented=!0):content===""?sep2===`
`?value+=`
`:sep2=`
`:(value+=sep2+content,sep2=" ",prevMoreIndented=!1)}switch(header.chomp){case"-":break;case"+":for(let i=chompStart;i<lines.length;++i)value+=`
`+lines[i][0].slice(trimIndent);value[value.length-1]!==`
`&&(value+=`
`);break;default:value+=`
`}let end=start+header.length+scalar.source.length;return{value,type,comment:header.comment,range:[start,end,end]}}function parseBlockScalarHeader({offset,props},strict,onError){if(props[0].type!=="block-scalar-header")return onError(props[0],"IMPOSSIBLE","Block scalar header not found"),null;let{source}=props[0],mode=source[0],indent=0,chomp="",error=-1;for(let i=1;i<source.length;++i){let ch=source[i];if(!chomp&&(ch==="-"||ch==="+"))chomp=ch;else{let n=Number(ch);!indent&&n?indent=n:error===-1&&(error=offset+i)}}error!==-1&&onError(error,"UNEXPECTED_TOKEN",`Block scalar header includes extra characters: ${source}`);let hasSpace=!1,comment="",length=source.length;for(let i=1;i<props.length;++i){let token=props[i];switch(token.type){case"space":hasSpace=!0;case"newline":length+=token.source.length;break;case"comment":strict&&!hasSpace&&onError(token,"MISSING_CHAR","Comments must be separated from other tokens by white space characters"),length+=token.source.length,comment=token.source.substring(1);break;case"error":onError(token,"UNEXPECTED_TOKEN",token.message),length+=token.source.length;break;default:{let message=`Unexpected token in block scalar header: ${token.type}`;onError(token,"UNEXPECTED_TOKEN",message);let ts=token.source;ts&&typeof ts=="string"&&(length+=ts.length)}}}return{mode,indent,chomp,comment,length}}function splitLines(source){let split=source.split(/\n( *)/),first=split[0],m=first.match(/^( *)/),lines=[m?.[1]?[m[1],first.slice(m[1].length)]:["",first]];for(let i=1;i<split.length;i+=2)lines.push([split[i],split[i+1]]);return lines}exports.resolveBlockScalar=resolveBlockScalar}});var require_resolve_flow_scalar=__commonJS({"node_modules/yaml/dist/compose/resolve-flow-scalar.js"(exports){"use strict";var Scalar=require_Scalar(),resolveEnd=require_resolve_end();function resolveFlowScalar(scalar,strict,onError){let{offset,type,source,end}=scalar,_type,value,_onError=(rel,code2,msg)=>onError(offset+rel,code2,msg);switch(type){case"scalar":_type=Scalar.Scalar.PLAIN,value=plainValue(source,_onError);break;case"single-quoted-scalar":_type=Scalar.Scalar.QUOTE_SINGLE,value=singleQuotedValue(source,_onError);break;case"double-quoted-scalar":_type=Scalar.Scalar.QUOTE_DOUBLE,value=doubleQuotedValue(source,_onError);break;default:return onError(scalar,"UNEXPECTED_TOKEN",`Expected a flow scalar value, but found: ${type}`),{value:"",type:null,comment:"",range:[offset,offset+source.length,offset+source.length]}}let valueEnd=offset+source.length,re=resolveEnd.resolveEnd(end,valueEnd,strict,onError);return{value,type:_type,comment:re.comment,range:[offset,valueEnd,re.offset]}}function plainValue(source,onError){let badChar="";switch(source[0]){case"	":badChar="a tab character";break;case",":badChar="flow indicator character ,";break;case"%":badChar="directive indicator character %";break;case"|":case">":{badChar=`block scalar indicator ${source[0]}`;break}case"@":case"`":{badChar=`reserved character ${source[0]}`;break}}return badChar&&onError(0,"BAD_SCALAR_START",`Plain value cannot start with ${badChar}`),unfoldLines(source)}function singleQuotedValue(source,onError){return(source[source.length-1]!=="'"||source.length===1)&&onError(source.length,"MISSING_CHAR","Missing closing 'quote"),unfoldLines(source.slice(1,-1)).replace(/''/g,"'")}function unfoldLines(source){let line=/(.*?)\r?\n/sy,match=line.exec(source);if(!match)return source;let trimEnd,trimBoth;try{trimEnd=new RegExp("(?<![ 	])[ 	]+$"),trimBoth=new RegExp("^[ 	]+|(?<![ 	])[ 	]+$","g")}catch{trimEnd=/[ \t]+$/,trimBoth=/^[ \t]+|[ \t]+$/g}let res=match[1].replace(trimEnd,""),sep2=" ",pos=line.lastIndex;for(;match=line.exec(source);){let lm=match[1].replace(trimBoth,"");lm===""?sep2===`
`?res+=sep2:sep2=`
`:(res+=sep2+lm,sep2=" "),pos=line.lastIndex}let last=/[ \t]*(.*)/sy;return last.lastIndex=pos,match=last.exec(source),res+sep2+(match?.[1]??"")}function doubleQuotedValue(source,onError){let res="";for(let i=1;i<source.length-1;++i){let ch=source[i];if(!(ch==="\r"&&source[i+1]===`
`))if(ch===`
`){let{fold,offset}=foldNewline(source,i);res+=fold,i=offset}else if(ch==="\\"){let next=source[++i],cc=escapeCodes[next];if(cc)res+=cc;else if(next===`
`)for(next=source[i+1];next===" "||next==="	";)next=source[++i+1];else if(next==="\r"&&source[i+1]===`
`)for(next=source[++i+1];next===" "||next==="	";)next=source[++i+1];else if(next==="x"||next==="u"||next==="U"){let length=next==="x"?2:next==="u"?4:8;res+=parseCharCode(source,i+1,length,onError),i+=length}else{let raw=source.substr(i-1,2);onError(i-1,"BAD_DQ_ESCAPE",`Invalid escape sequence ${raw}`),res+=raw}}else if(ch===" "||ch==="	"){let wsStart=i,next=source[i+1];for(;next===" "||next==="	";)next=source[++i+1];next!==`
`&&!(next==="\r"&&source[i+2]===`
`)&&(res+=i>wsStart?source.slice(wsStart,i+1):ch)}else res+=ch}return(source[source.length-1]!=='"'||source.length===1)&&onError(source.length,"MISSING_CHAR",'Missing closing "quote'),res}function foldNewline(source,offset){let fold="",ch=source[offset+1];for(;(ch===" "||ch==="	"||ch===`
`||ch==="\r")&&!(ch==="\r"&&source[offset+2]!==`
`);)ch===`
`&&(fold+=`
`),offset+=1,ch=source[offset+1];return fold||(fold=" "),{fold,offset}}var escapeCodes={0:"\0",a:"\x07",b:"\b",e:"\x1B",f:"\f",n:`
`,r:"\r",t:"	",v:"\v",N:"\x85",_:"\xA0",L:"\u2028",P:"\u2029"," ":" ",'"':'"',"/":"/","\\":"\\","	":"	"};function parseCharCode(source,offset,length,onError){let cc=source.substr(offset,length),code2=cc.length===length&&/^[0-9a-fA-F]+$/.test(cc)?parseInt(cc,16):NaN;try{return String.fromCodePoint(code2)}catch{let raw=source.substr(offset-2,length+2);return onError(offset-2,"BAD_DQ_ESCAPE",`Invalid escape sequence ${raw}`),raw}}exports.resolveFlowScalar=resolveFlowScalar}});var require_compose_scalar=__commonJS({"node_modules/yaml/dist/compose/compose-scalar.js"(exports){"use strict";var identity=require_identity(),Scalar=require_Scalar(),resolveBlockScalar=require_resolve_block_scalar(),resolveFlowScalar=require_resolve_flow_scalar();function composeScalar(ctx,token,tagToken,onError){let{value,type,comment,range}=token.type==="block-scalar"?resolveBlockScalar.resolveBlockScalar(ctx,token,onError):resolveFlowScalar.resolveFlowScalar(token,ctx.options.strict,onError),tagName=tagToken?ctx.directives.tagName(tagToken.source,msg=>onError(tagToken,"TAG_RESOLVE_FAILED",msg)):null,tag;ctx.options.stringKeys&&ctx.atKey?tag=ctx.schema[identity.SCALAR]:tagName?tag=findScalarTagByName(ctx.schema,value,tagName,tagToken,onError):token.type==="scalar"?tag=findScalarTagByTest(ctx,value,token,onError):tag=ctx.schema[identity.SCALAR];let scalar;try{let res=tag.resolve(value,msg=>onError(tagToken??token,"TAG_RESOLVE_FAILED",msg),ctx.options);scalar=identity.isScalar(res)?res:new Scalar.Scalar(res)}catch(error){let msg=error instanceof Error?error.message:String(error);onError(tagToken??token,"TAG_RESOLVE_FAILED",msg),scalar=new Scalar.Scalar(value)}return scalar.range=range,scalar.source=value,type&&(scalar.type=type),tagName&&(scalar.tag=tagName),tag.format&&(scalar.format=tag.format),comment&&(scalar.comment=comment),scalar}function findScalarTagByName(schema,value,tagName,tagToken,onError){if(tagName==="!")return schema[identity.SCALAR];let matchWithTest=[];for(let tag of schema.tags)if(!tag.collection&&tag.tag===tagName)if(tag.default&&tag.test)matchWithTest.push(tag);else return tag;for(let tag of matchWithTest)if(tag.test?.test(value))return tag;let kt=schema.knownTags[tagName];return kt&&!kt.collection?(schema.tags.push(Object.assign({},kt,{default:!1,test:void 0})),kt):(onError(tagToken,"TAG_RESOLVE_FAILED",`Unresolved tag: ${tagName}`,tagName!=="tag:yaml.org,2002:str"),schema[identity.SCALAR])}function findScalarTagByTest({atKey,directives,schema},value,token,onError){let tag=schema.tags.find(tag2=>(tag2.default===!0||atKey&&tag2.default==="key")&&tag2.test?.test(value))||schema[identity.SCALAR];if(schema.compat){let compat=schema.compat.find(tag2=>tag2.default&&tag2.test?.test(value))??schema[identity.SCALAR];if(tag.tag!==compat.tag){let ts=directives.tagString(tag.tag),cs=directives.tagString(compat.tag),msg=`Value may be parsed as either ${ts} or ${cs}`;onError(token,"TAG_RESOLVE_FAILED",msg,!0)}}return tag}exports.composeScalar=composeScalar}});var require_util_empty_scalar_position=__commonJS({"node_modules/yaml/dist/compose/util-empty-scalar-position.js"(exports){"use strict";function emptyScalarPosition(offset,before,pos){if(before){pos??(pos=before.length);for(let i=pos-1;i>=0;--i){let st=before[i];switch(st.type){case"space":case"comment":case"newline":offset-=st.source.length;continue}for(st=before[++i];st?.type==="space";)offset+=st.source.length,st=before[++i];break}}return offset}exports.emptyScalarPosition=emptyScalarPosition}});var require_compose_node=__commonJS({"node_modules/yaml/dist/compose/compose-node.js"(exports){"use strict";var Alias=require_Alias(),identity=require_identity(),composeCollection=require_compose_collection(),composeScalar=require_compose_scalar(),resolveEnd=require_resolve_end(),utilEmptyScalarPosition=require_util_empty_scalar_position(),CN={composeNode,composeEmptyNode};function composeNode(ctx,token,props,onError){let atKey=ctx.atKey,{spaceBefore,comment,anchor,tag}=props,node,isSrcToken=!0;switch(token.type){case"alias":node=composeAlias(ctx,token,onError),(anchor||tag)&&onError(token,"ALIAS_PROPS","An alias node must not specify any properties");break;case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":case"block-scalar":node=composeScalar.composeScalar(ctx,token,tag,onError),anchor&&(node.anchor=anchor.source.substring(1));break;case"block-map":case"block-seq":case"flow-collection":try{node=composeCollection.composeCollection(CN,ctx,token,props,onError),anchor&&(node.anchor=anchor.source.substring(1))}catch(error){let message=error instanceof Error?error.message:String(error);onError(token,"RESOURCE_EXHAUSTION",message)}break;default:{let message=token.type==="error"?token.message:`Unsupported token (type: ${token.type})`;onError(token,"UNEXPECTED_TOKEN",message),isSrcToken=!1}}return node??(node=composeEmptyNode(ctx,token.offset,void 0,null,props,onError)),anchor&&node.anchor===""&&onError(anchor,"BAD_ALIAS","Anchor cannot be an empty string"),atKey&&ctx.options.stringKeys&&(!identity.isScalar(node)||typeof node.value!="string"||node.tag&&node.tag!=="tag:yaml.org,2002:str")&&onError(tag??token,"NON_STRING_KEY","With stringKeys, all keys must be strings"),spaceBefore&&(node.spaceBefore=!0),comment&&(token.type==="scalar"&&token.source===""?node.comment=comment:node.commentBefore=comment),ctx.options.keepSourceTokens&&isSrcToken&&(node.srcToken=token),node}function composeEmptyNode(ctx,offset,before,pos,{spaceBefore,comment,anchor,tag,end},onError){let token={type:"scalar",offset:utilEmptyScalarPosition.emptyScalarPosition(offset,before,pos),indent:-1,source:""},node=composeScalar.composeScalar(ctx,token,tag,onError);return anchor&&(node.anchor=anchor.source.substring(1),node.anchor===""&&onError(anchor,"BAD_ALIAS","Anchor cannot be an empty string")),spaceBefore&&(node.spaceBefore=!0),comment&&(node.comment=comment,node.range[2]=end),node}function composeAlias({options},{offset,source,end},onError){let alias=new Alias.Alias(source.substring(1));alias.source===""&&onError(offset,"BAD_ALIAS","Alias cannot be an empty string"),alias.source.endsWith(":")&&onError(offset+source.length-1,"BAD_ALIAS","Alias ending in : is ambiguous",!0);let valueEnd=offset+source.length,re=resolveEnd.resolveEnd(end,valueEnd,options.strict,onError);return alias.range=[offset,valueEnd,re.offset],re.comment&&(alias.comment=re.comment),alias}exports.composeEmptyNode=composeEmptyNode;exports.composeNode=composeNode}});var require_compose_doc=__commonJS({"node_modules/yaml/dist/compose/compose-doc.js"(exports){"use strict";var Document=require_Document(),composeNode=require_compose_node(),resolveEnd=require_resolve_end(),resolveProps=require_resolve_props();function composeDoc(options,directives,{offset,start,value,end},onError){let opts=Object.assign({_directives:directives},options),doc=new Document.Document(void 0,opts),ctx={atKey:!1,atRoot:!0,directives:doc.directives,options:doc.options,schema:doc.schema},props=resolveProps.resolveProps(start,{indicator:"doc-start",next:value??end?.[0],offset,onError,parentIndent:0,startOnNewline:!0});props.found&&(doc.directives.docStart=!0,value&&(value.type==="block-map"||value.type==="block-seq")&&!props.hasNewline&&onError(props.end,"MISSING_CHAR","Block collection cannot start on same line with directives-end marker")),doc.contents=value?composeNode.composeNode(ctx,value,props,onError):composeNode.composeEmptyNode(ctx,props.end,start,null,props,onError);let contentEnd=doc.contents.range[2],re=resolveEnd.resolveEnd(end,contentEnd,!1,onError);return re.comment&&(doc.comment=re.comment),doc.range=[offset,contentEnd,re.offset],doc}exports.composeDoc=composeDoc}});var require_composer=__commonJS({"node_modules/yaml/dist/compose/composer.js"(exports){"use strict";var node_process=__require("process"),directives=require_directives(),Document=require_Document(),errors=require_errors(),identity=require_identity(),composeDoc=require_compose_doc(),resolveEnd=require_resolve_end();function getErrorPos(src){if(typeof src=="number")return[src,src+1];if(Array.isArray(src))return src.length===2?src:[src[0],src[1]];let{offset,source}=src;return[offset,offset+(typeof source=="string"?source.length:1)]}function parsePrelude(prelude){let comment="",atComment=!1,afterEmptyLine=!1;for(let i=0;i<prelude.length;++i){let source=prelude[i];switch(source[0]){case"#":comment+=(comment===""?"":afterEmptyLine?`

`:`
`)+(source.substring(1)||" "),atComment=!0,afterEmptyLine=!1;break;case"%":prelude[i+1]?.[0]!=="#"&&(i+=1),atComment=!1;break;default:atComment||(afterEmptyLine=!0),atComment=!1}}return{comment,afterEmptyLine}}var Composer=class{constructor(options={}){this.doc=null,this.atDirectives=!1,this.prelude=[],this.errors=[],this.warnings=[],this.onError=(source,code2,message,warning)=>{let pos=getErrorPos(source);warning?this.warnings.push(new errors.YAMLWarning(pos,code2,message)):this.errors.push(new errors.YAMLParseError(pos,code2,message))},this.directives=new directives.Directives({version:options.version||"1.2"}),this.options=options}decorate(doc,afterDoc){let{comment,afterEmptyLine}=parsePrelude(this.prelude);if(comment){let dc=doc.contents;if(afterDoc)doc.comment=doc.comment?`${doc.comment}
${comment}`:comment;else if(afterEmptyLine||doc.directives.docStart||!dc)doc.commentBefore=comment;else if(identity.isCollection(dc)&&!dc.flow&&dc.items.length>0){let it=dc.items[0];identity.isPair(it)&&(it=it.key);let cb=it.commentBefore;it.commentBefore=cb?`${comment}
${cb}`:comment}else{let cb=dc.commentBefore;dc.commentBefore=cb?`${comment}
${cb}`:comment}}if(afterDoc){for(let i=0;i<this.errors.length;++i)doc.errors.push(this.errors[i]);for(let i=0;i<this.warnings.length;++i)doc.warnings.push(this.warnings[i])}else doc.errors=this.errors,doc.warnings=this.warnings;this.prelude=[],this.errors=[],this.warnings=[]}streamInfo(){return{comment:parsePrelude(this.prelude).comment,directives:this.directives,errors:this.errors,warnings:this.warnings}}*compose(tokens,forceDoc=!1,endOffset=-1){for(let token of tokens)yield*this.next(token);yield*this.end(forceDoc,endOffset)}*next(token){switch(node_process.env.LOG_STREAM&&console.dir(token,{depth:null}),token.type){case"directive":this.directives.add(token.source,(offset,message,warning)=>{let pos=getErrorPos(token);pos[0]+=offset,this.onError(pos,"BAD_DIRECTIVE",message,warning)}),this.prelude.push(token.source),this.atDirectives=!0;break;case"document":{let doc=composeDoc.composeDoc(this.options,this.directives,token,this.onError);this.atDirectives&&!doc.directives.docStart&&this.onError(token,"MISSING_CHAR","Missing directives-end/doc-start indicator line"),this.decorate(doc,!1),this.doc&&(yield this.doc),this.doc=doc,this.atDirectives=!1;break}case"byte-order-mark":case"space":break;case"comment":case"newline":this.prelude.push(token.source);break;case"error":{let msg=token.source?`${token.message}: ${JSON.stringify(token.source)}`:token.message,error=new errors.YAMLParseError(getErrorPos(token),"UNEXPECTED_TOKEN",msg);this.atDirectives||!this.doc?this.errors.push(error):this.doc.errors.push(error);break}case"doc-end":{if(!this.doc){let msg="Unexpected doc-end without preceding document";this.errors.push(new errors.YAMLParseError(getErrorPos(token),"UNEXPECTED_TOKEN",msg));break}this.doc.directives.docEnd=!0;let end=resolveEnd.resolveEnd(token.end,token.offset+token.source.length,this.doc.options.strict,this.onError);if(this.decorate(this.doc,!0),end.comment){let dc=this.doc.comment;this.doc.comment=dc?`${dc}
${end.comment}`:end.comment}this.doc.range[2]=end.offset;break}default:this.errors.push(new errors.YAMLParseError(getErrorPos(token),"UNEXPECTED_TOKEN",`Unsupported token ${token.type}`))}}*end(forceDoc=!1,endOffset=-1){if(this.doc)this.decorate(this.doc,!0),yield this.doc,this.doc=null;else if(forceDoc){let opts=Object.assign({_directives:this.directives},this.options),doc=new Document.Document(void 0,opts);this.atDirectives&&this.onError(endOffset,"MISSING_CHAR","Missing directives-end indicator line"),doc.range=[0,endOffset,endOffset],this.decorate(doc,!1),yield doc}}};exports.Composer=Composer}});var require_cst_scalar=__commonJS({"node_modules/yaml/dist/parse/cst-scalar.js"(exports){"use strict";var resolveBlockScalar=require_resolve_block_scalar(),resolveFlowScalar=require_resolve_flow_scalar(),errors=require_errors(),stringifyString=require_stringifyString();function resolveAsScalar(token,strict=!0,onError){if(token){let _onError=(pos,code2,message)=>{let offset=typeof pos=="number"?pos:Array.isArray(pos)?pos[0]:pos.offset;if(onError)onError(offset,code2,message);else throw new errors.YAMLParseError([offset,offset+1],code2,message)};switch(token.type){case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":return resolveFlowScalar.resolveFlowScalar(token,strict,_onError);case"block-scalar":return resolveBlockScalar.resolveBlockScalar({options:{strict}},token,_onError)}}return null}function createScalarToken(value,context){let{implicitKey=!1,indent,inFlow=!1,offset=-1,type="PLAIN"}=context,source=stringifyString.stringifyString({type,value},{implicitKey,indent:indent>0?" ".repeat(indent):"",inFlow,options:{blockQuote:!0,lineWidth:-1}}),end=context.end??[{type:"newline",offset:-1,indent,source:`
`}];switch(source[0]){case"|":case">":{let he=source.indexOf(`
`),head=source.substring(0,he),body=source.substring(he+1)+`
`,props=[{type:"block-scalar-header",offset,indent,source:head}];return addEndtoBlockProps(props,end)||props.push({type:"newline",offset:-1,indent,source:`
`}),{type:"block-scalar",offset,indent,props,source:body}}case'"':return{type:"double-quoted-scalar",offset,indent,source,end};case"'":return{type:"single-quoted-scalar",offset,indent,source,end};default:return{type:"scalar",offset,indent,source,end}}}function setScalarValue(token,value,context={}){let{afterKey=!1,implicitKey=!1,inFlow=!1,type}=context,indent="indent"in token?token.indent:null;if(afterKey&&typeof indent=="number"&&(indent+=2),!type)switch(token.type){case"single-quoted-scalar":type="QUOTE_SINGLE";break;case"double-quoted-scalar":type="QUOTE_DOUBLE";break;case"block-scalar":{let header=token.props[0];if(header.type!=="block-scalar-header")throw new Error("Invalid block scalar header");type=header.source[0]===">"?"BLOCK_FOLDED":"BLOCK_LITERAL";break}default:type="PLAIN"}let source=stringifyString.stringifyString({type,value},{implicitKey:implicitKey||indent===null,indent:indent!==null&&indent>0?" ".repeat(indent):"",inFlow,options:{blockQuote:!0,lineWidth:-1}});switch(source[0]){case"|":case">":setBlockScalarValue(token,source);break;case'"':setFlowScalarValue(token,source,"double-quoted-scalar");break;case"'":setFlowScalarValue(token,source,"single-quoted-scalar");break;default:setFlowScalarValue(token,source,"scalar")}}function setBlockScalarValue(token,source){let he=source.indexOf(`
`),head=source.substring(0,he),body=source.substring(he+1)+`
`;if(token.type==="block-scalar"){let header=token.props[0];if(header.type!=="block-scalar-header")throw new Error("Invalid block scalar header");header.source=head,token.source=body}else{let{offset}=token,indent="indent"in token?token.indent:-1,props=[{type:"block-scalar-header",offset,indent,source:head}];addEndtoBlockProps(props,"end"in token?token.end:void 0)||props.push({type:"newline",offset:-1,indent,source:`
`});for(let key of Object.keys(token))key!=="type"&&key!=="offset"&&delete token[key];Object.assign(token,{type:"block-scalar",indent,props,source:body})}}function addEndtoBlockProps(props,end){if(end)for(let st of end)switch(st.type){case"space":case"comment":props.push(st);break;case"newline":return props.push(st),!0}return!1}function setFlowScalarValue(token,source,type){switch(token.type){case"scalar":case"double-quoted-scalar":case"single-quoted-scalar":token.type=type,token.source=source;break;case"block-scalar":{let end=token.props.slice(1),oa=source.length;token.props[0].type==="block-scalar-header"&&(oa-=token.props[0].source.length);for(let tok of end)tok.offset+=oa;delete token.props,Object.assign(token,{type,source,end});break}case"block-map":case"block-seq":{let nl={type:"newline",offset:token.offset+source.length,indent:token.indent,source:`
`};delete token.items,Object.assign(token,{type,source,end:[nl]});break}default:{let indent="indent"in token?token.indent:-1,end="end"in token&&Array.isArray(token.end)?token.end.filter(st=>st.type==="space"||st.type==="comment"||st.type==="newline"):[];for(let key of Object.keys(token))key!=="type"&&key!=="offset"&&delete token[key];Object.assign(token,{type,indent,source,end})}}}exports.createScalarToken=createScalarToken;exports.resolveAsScalar=resolveAsScalar;exports.setScalarValue=setScalarValue}});var require_cst_stringify=__commonJS({"node_modules/yaml/dist/parse/cst-stringify.js"(exports){"use strict";var stringify=cst=>"type"in cst?stringifyToken(cst):stringifyItem(cst);function stringifyToken(token){switch(token.type){case"block-scalar":{let res="";for(let tok of token.props)res+=stringifyToken(tok);return res+token.source}case"block-map":case"block-seq":{let res="";for(let item of token.items)res+=stringifyItem(item);return res}case"flow-collection":{let res=token.start.source;for(let item of token.items)res+=stringifyItem(item);for(let st of token.end)res+=st.source;return res}case"document":{let res=stringifyItem(token);if(token.end)for(let st of token.end)res+=st.source;return res}default:{let res=token.source;if("end"in token&&token.end)for(let st of token.end)res+=st.source;return res}}}function stringifyItem({start,key,sep:sep2,value}){let res="";for(let st of start)res+=st.source;if(key&&(res+=stringifyToken(key)),sep2)for(let st of sep2)res+=st.source;return value&&(res+=stringifyToken(value)),res}exports.stringify=stringify}});var require_cst_visit=__commonJS({"node_modules/yaml/dist/parse/cst-visit.js"(exports){"use strict";var BREAK=Symbol("break visit"),SKIP=Symbol("skip children"),REMOVE=Symbol("remove item");function visit(cst,visitor){"type"in cst&&cst.type==="document"&&(cst={start:cst.start,value:cst.value}),_visit(Object.freeze([]),cst,visitor)}visit.BREAK=BREAK;visit.SKIP=SKIP;visit.REMOVE=REMOVE;visit.itemAtPath=(cst,path)=>{let item=cst;for(let[field,index]of path){let tok=item?.[field];if(tok&&"items"in tok)item=tok.items[index];else return}return item};visit.parentCollection=(cst,path)=>{let parent=visit.itemAtPath(cst,path.slice(0,-1)),field=path[path.length-1][0],coll=parent?.[field];if(coll&&"items"in coll)return coll;throw new Error("Parent collection not found")};function _visit(path,item,visitor){let ctrl=visitor(item,path);if(typeof ctrl=="symbol")return ctrl;for(let field of["key","value"]){let token=item[field];if(token&&"items"in token){for(let i=0;i<token.items.length;++i){let ci=_visit(Object.freeze(path.concat([[field,i]])),token.items[i],visitor);if(typeof ci=="number")i=ci-1;else{if(ci===BREAK)return BREAK;ci===REMOVE&&(token.items.splice(i,1),i-=1)}}typeof ctrl=="function"&&field==="key"&&(ctrl=ctrl(item,path))}}return typeof ctrl=="function"?ctrl(item,path):ctrl}exports.visit=visit}});var require_cst=__commonJS({"node_modules/yaml/dist/parse/cst.js"(exports){"use strict";var cstScalar=require_cst_scalar(),cstStringify=require_cst_stringify(),cstVisit=require_cst_visit(),BOM="\uFEFF",DOCUMENT="",FLOW_END="",SCALAR="",isCollection=token=>!!token&&"items"in token,isScalar=token=>!!token&&(token.type==="scalar"||token.type==="single-quoted-scalar"||token.type==="double-quoted-scalar"||token.type==="block-scalar");function prettyToken(token){switch(token){case BOM:return"<BOM>";case DOCUMENT:return"<DOC>";case FLOW_END:return"<FLOW_END>";case SCALAR:return"<SCALAR>";default:return JSON.stringify(token)}}function tokenType(source){switch(source){case BOM:return"byte-order-mark";case DOCUMENT:return"doc-mode";case FLOW_END:return"flow-error-end";case SCALAR:return"scalar";case"---":return"doc-start";case"...":return"doc-end";case"":case`
`:case`\r
`:return"newline";case"-":return"seq-item-ind";case"?":return"explicit-key-ind";case":":return"map-value-ind";case"{":return"flow-map-start";case"}":return"flow-map-end";case"[":return"flow-seq-start";case"]":return"flow-seq-end";case",":return"comma"}switch(source[0]){case" ":case"	":return"space";case"#":return"comment";case"%":return"directive-line";case"*":return"alias";case"&":return"anchor";case"!":return"tag";case"'":return"single-quoted-scalar";case'"':return"double-quoted-scalar";case"|":case">":return"block-scalar-header"}return null}exports.createScalarToken=cstScalar.createScalarToken;exports.resolveAsScalar=cstScalar.resolveAsScalar;exports.setScalarValue=cstScalar.setScalarValue;exports.stringify=cstStringify.stringify;exports.visit=cstVisit.visit;exports.BOM=BOM;exports.DOCUMENT=DOCUMENT;exports.FLOW_END=FLOW_END;exports.SCALAR=SCALAR;exports.isCollection=isCollection;exports.isScalar=isScalar;exports.prettyToken=prettyToken;exports.tokenType=tokenType}});var require_lexer=__commonJS({"node_modules/yaml/dist/parse/lexer.js"(exports){"use strict";var cst=require_cst();function isEmpty(ch){switch(ch){case void 0:case" ":case`
`:case"\r":case"	":return!0;default:return!1}}var hexDigits=new Set("0123456789ABCDEFabcdef"),tagChars=new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()"),flowIndicatorChars=new Set(",[]{}"),invalidAnchorChars=new Set(` ,[]{}
\r	`),isNotAnchorChar=ch=>!ch||invalidAnchorChars.has(ch),Lexer=class{constructor(){this.atEnd=!1,this.blockScalarIndent=-1,this.blockScalarKeep=!1,this.buffer="",this.flowKey=!1,this.flowLevel=0,this.indentNext=0,this.indentValue=0,this.lineEndPos=null,this.next=null,this.pos=0}*lex(source,incomplete=!1){if(source){if(typeof source!="string")throw TypeError("source is not a string");this.buffer=this.buffer?this.buffer+source:source,this.lineEndPos=null}this.atEnd=!incomplete;let next=this.next??"stream";for(;next&&(incomplete||this.hasChars(1));)next=yield*this.parseNext(next)}atLineEnd(){let i=this.pos,ch=this.buffer[i];for(;ch===" "||ch==="	";)ch=this.buffer[++i];return!ch||ch==="#"||ch===`
`?!0:ch==="\r"?this.buffer[i+1]===`
`:!1}charAt(n){return this.buffer[this.pos+n]}continueScalar(offset){let ch=this.buffer[offset];if(this.indentNext>0){let indent=0;for(;ch===" ";)ch=this.buffer[++indent+offset];if(ch==="\r"){let next=this.buffer[indent+offset+1];if(next===`
`||!next&&!this.atEnd)return offset+indent+1}return ch===`
`||indent>=this.indentNext||!ch&&!this.atEnd?offset+indent:-1}if(ch==="-"||ch==="."){let dt=this.buffer.substr(offset,3);if((dt==="---"||dt==="...")&&isEmpty(this.buffer[offset+3]))return-1}return offset}getLine(){let end=this.lineEndPos;return(typeof end!="number"||end!==-1&&end<this.pos)&&(end=this.buffer.indexOf(`
`,this.pos),this.lineEndPos=end),end===-1?this.atEnd?this.buffer.substring(this.pos):null:(this.buffer[end-1]==="\r"&&(end-=1),this.buffer.substring(this.pos,end))}hasChars(n){return this.pos+n<=this.buffer.length}setNext(state){return this.buffer=this.buffer.substring(this.pos),this.pos=0,this.lineEndPos=null,this.next=state,null}peek(n){return this.buffer.substr(this.pos,n)}*parseNext(next){switch(next){case"stream":return yield*this.parseStream();case"line-start":return yield*this.parseLineStart();case"block-start":return yield*this.parseBlockStart();case"doc":return yield*this.parseDocument();case"flow":return yield*this.parseFlowCollection();case"quoted-scalar":return yield*this.parseQuotedScalar();case"block-scalar":return yield*this.parseBlockScalar();case"plain-scalar":return yield*this.parsePlainScalar()}}*parseStream(){let line=this.getLine();if(line===null)return this.setNext("stream");if(line[0]===cst.BOM&&(yield*this.pushCount(1),line=line.substring(1)),line[0]==="%"){let dirEnd=line.length,cs=line.indexOf("#");for(;cs!==-1;){let ch=line[cs-1];if(ch===" "||ch==="	"){dirEnd=cs-1;break}else cs=line.indexOf("#",cs+1)}for(;;){let ch=line[dirEnd-1];if(ch===" "||ch==="	")dirEnd-=1;else break}let n=(yield*this.pushCount(dirEnd))+(yield*this.pushSpaces(!0));return yield*this.pushCount(line.length-n),this.pushNewline(),"stream"}if(this.atLineEnd()){let sp=yield*this.pushSpaces(!0);return yield*this.pushCount(line.length-sp),yield*this.pushNewline(),"stream"}return yield cst.DOCUMENT,yield*this.parseLineStart()}*parseLineStart(){let ch=this.charAt(0);if(!ch&&!this.atEnd)return this.setNext("line-start");if(ch==="-"||ch==="."){if(!this.atEnd&&!this.hasChars(4))return this.setNext("line-start");let s=this.peek(3);if((s==="---"||s==="...")&&isEmpty(this.charAt(3)))return yield*this.pushCount(3),this.indentValue=0,this.indentNext=0,s==="---"?"doc":"stream"}return this.indentValue=yield*this.pushSpaces(!1),this.indentNext>this.indentValue&&!isEmpty(this.charAt(1))&&(this.indentNext=this.indentValue),yield*this.parseBlockStart()}*parseBlockStart(){let[ch0,ch1]=this.peek(2);if(!ch1&&!this.atEnd)return this.setNext("block-start");if((ch0==="-"||ch0==="?"||ch0===":")&&isEmpty(ch1)){let n=(yield*this.pushCount(1))+(yield*this.pushSpaces(!0));return this.indentNext=this.indentValue+1,this.indentValue+=n,"block-start"}return"doc"}*parseDocument(){yield*this.pushSpaces(!0);let line=this.getLine();if(line===null)return this.setNext("doc");let n=yield*this.pushIndicators();switch(line[n]){case"#":yield*this.pushCount(line.length-n);case void 0:return yield*this.pushNewline(),yield*this.parseLineStart();case"{":case"[":return yield*this.pushCount(1),this.flowKey=!1,this.flowLevel=1,"flow";case"}":case"]":return yield*this.pushCount(1),"doc";case"*":return yield*this.pushUntil(isNotAnchorChar),"doc";case'"':case"'":return yield*this.parseQuotedScalar();case"|":case">":return n+=yield*this.parseBlockScalarHeader(),n+=yield*this.pushSpaces(!0),yield*this.pushCount(line.length-n),yield*this.pushNewline(),yield*this.parseBlockScalar();default:return yield*this.parsePlainScalar()}}*parseFlowCollection(){let nl,sp,indent=-1;do nl=yield*this.pushNewline(),nl>0?(sp=yield*this.pushSpaces(!1),this.indentValue=indent=sp):sp=0,sp+=yield*this.pushSpaces(!0);while(nl+sp>0);let line=this.getLine();if(line===null)return this.setNext("flow");if((indent!==-1&&indent<this.indentNext&&line[0]!=="#"||indent===0&&(line.startsWith("---")||line.startsWith("..."))&&isEmpty(line[3]))&&!(indent===this.indentNext-1&&this.flowLevel===1&&(line[0]==="]"||line[0]==="}")))return this.flowLevel=0,yield cst.FLOW_END,yield*this.parseLineStart();let n=0;for(;line[n]===",";)n+=yield*this.pushCount(1),n+=yield*this.pushSpaces(!0),this.flowKey=!1;switch(n+=yield*this.pushIndicators(),line[n]){case void 0:return"flow";case"#":return yield*this.pushCount(line.length-n),"flow";case"{":case"[":return yield*this.pushCount(1),this.flowKey=!1,this.flowLevel+=1,"flow";case"}":case"]":return yield*this.pushCount(1),this.flowKey=!0,this.flowLevel-=1,this.flowLevel?"flow":"doc";case"*":return yield*this.pushUntil(isNotAnchorChar),"flow";case'"':case"'":return this.flowKey=!0,yield*this.parseQuotedScalar();case":":{let next=this.charAt(1);if(this.flowKey||isEmpty(next)||next===",")return this.flowKey=!1,yield*this.pushCount(1),yield*this.pushSpaces(!0),"flow"}default:return this.flowKey=!1,yield*this.parsePlainScalar()}}*parseQuotedScalar(){let quote=this.charAt(0),end=this.buffer.indexOf(quote,this.pos+1);if(quote==="'")for(;end!==-1&&this.buffer[end+1]==="'";)end=this.buffer.indexOf("'",end+2);else for(;end!==-1;){let n=0;for(;this.buffer[end-1-n]==="\\";)n+=1;if(n%2===0)break;end=this.buffer.indexOf('"',end+1)}let qb=this.buffer.substring(0,end),nl=qb.indexOf(`
`,this.pos);if(nl!==-1){for(;nl!==-1;){let cs=this.continueScalar(nl+1);if(cs===-1)break;nl=qb.indexOf(`
`,cs)}nl!==-1&&(end=nl-(qb[nl-1]==="\r"?2:1))}if(end===-1){if(!this.atEnd)return this.setNext("quoted-scalar");end=this.buffer.length}return yield*this.pushToIndex(end+1,!1),this.flowLevel?"flow":"doc"}*parseBlockScalarHeader(){this.blockScalarIndent=-1,this.blockScalarKeep=!1;let i=this.pos;for(;;){let ch=this.buffer[++i];if(ch==="+")this.blockScalarKeep=!0;else if(ch>"0"&&ch<="9")this.blockScalarIndent=Number(ch)-1;else if(ch!=="-")break}return yield*this.pushUntil(ch=>isEmpty(ch)||ch==="#")}*parseBlockScalar(){let nl=this.pos-1,indent=0,ch;loop:for(let i2=this.pos;ch=this.buffer[i2];++i2)switch(ch){case" ":indent+=1;break;case`
`:nl=i2,indent=0;break;case"\r":{let next=this.buffer[i2+1];if(!next&&!this.atEnd)return this.setNext("block-scalar");if(next===`
`)break}default:break loop}if(!ch&&!this.atEnd)return this.setNext("block-scalar");if(indent>=this.indentNext){this.blockScalarIndent===-1?this.indentNext=indent:this.indentNext=this.blockScalarIndent+(this.indentNext===0?1:this.indentNext);do{let cs=this.continueScalar(nl+1);if(cs===-1)break;nl=this.buffer.indexOf(`
`,cs)}while(nl!==-1);if(nl===-1){if(!this.atEnd)return this.setNext("block-scalar");nl=this.buffer.length}}let i=nl+1;for(ch=this.buffer[i];ch===" ";)ch=this.buffer[++i];if(ch==="	"){for(;ch==="	"||ch===" "||ch==="\r"||ch===`
`;)ch=this.buffer[++i];nl=i-1}else if(!this.blockScalarKeep)do{let i2=nl-1,ch2=this.buffer[i2];ch2==="\r"&&(ch2=this.buffer[--i2]);let lastChar=i2;for(;ch2===" ";)ch2=this.buffer[--i2];if(ch2===`
`&&i2>=this.pos&&i2+1+indent>lastChar)nl=i2;else break}while(!0);return yield cst.SCALAR,yield*this.pushToIndex(nl+1,!0),yield*this.parseLineStart()}*parsePlainScalar(){let inFlow=this.flowLevel>0,end=this.pos-1,i=this.pos-1,ch;for(;ch=this.buffer[++i];)if(ch===":"){let next=this.buffer[i+1];if(isEmpty(next)||inFlow&&flowIndicatorChars.has(next))break;end=i}else if(isEmpty(ch)){let next=this.buffer[i+1];if(ch==="\r"&&(next===`
`?(i+=1,ch=`
`,next=this.buffer[i+1]):end=i),next==="#"||inFlow&&flowIndicatorChars.has(next))break;if(ch===`
`){let cs=this.continueScalar(i+1);if(cs===-1)break;i=Math.max(i,cs-2)}}else{if(inFlow&&flowIndicatorChars.has(ch))break;end=i}return!ch&&!this.atEnd?this.setNext("plain-scalar"):(yield cst.SCALAR,yield*this.pushToIndex(end+1,!0),inFlow?"flow":"doc")}*pushCount(n){return n>0?(yield this.buffer.substr(this.pos,n),this.pos+=n,n):0}*pushToIndex(i,allowEmpty){let s=this.buffer.slice(this.pos,i);return s?(yield s,this.pos+=s.length,s.length):(allowEmpty&&(yield""),0)}*pushIndicators(){let n=0;loop:for(;;){switch(this.charAt(0)){case"!":n+=yield*this.pushTag(),n+=yield*this.pushSpaces(!0);continue loop;case"&":n+=yield*this.pushUntil(isNotAnchorChar),n+=yield*this.pushSpaces(!0);continue loop;case"-":case"?":case":":{let inFlow=this.flowLevel>0,ch1=this.charAt(1);if(isEmpty(ch1)||inFlow&&flowIndicatorChars.has(ch1)){inFlow?this.flowKey&&(this.flowKey=!1):this.indentNext=this.indentValue+1,n+=yield*this.pushCount(1),n+=yield*this.pushSpaces(!0);continue loop}}}break loop}return n}*pushTag(){if(this.charAt(1)==="<"){let i=this.pos+2,ch=this.buffer[i];for(;!isEmpty(ch)&&ch!==">";)ch=this.buffer[++i];return yield*this.pushToIndex(ch===">"?i+1:i,!1)}else{let i=this.pos+1,ch=this.buffer[i];for(;ch;)if(tagChars.has(ch))ch=this.buffer[++i];else if(ch==="%"&&hexDigits.has(this.buffer[i+1])&&hexDigits.has(this.buffer[i+2]))ch=this.buffer[i+=3];else break;return yield*this.pushToIndex(i,!1)}}*pushNewline(){let ch=this.buffer[this.pos];return ch===`
`?yield*this.pushCount(1):ch==="\r"&&this.charAt(1)===`
`?yield*this.pushCount(2):0}*pushSpaces(allowTabs){let i=this.pos-1,ch;do ch=this.buffer[++i];while(ch===" "||allowTabs&&ch==="	");let n=i-this.pos;return n>0&&(yield this.buffer.substr(this.pos,n),this.pos=i),n}*pushUntil(test){let i=this.pos,ch=this.buffer[i];for(;!test(ch);)ch=this.buffer[++i];return yield*this.pushToIndex(i,!1)}};exports.Lexer=Lexer}});var require_line_counter=__commonJS({"node_modules/yaml/dist/parse/line-counter.js"(exports){"use strict";var LineCounter2=class{constructor(){this.lineStarts=[],this.addNewLine=offset=>this.lineStarts.push(offset),this.linePos=offset=>{let low=0,high=this.lineStarts.length;for(;low<high;){let mid=low+high>>1;this.lineStarts[mid]<offset?low=mid+1:high=mid}if(this.lineStarts[low]===offset)return{line:low+1,col:1};if(low===0)return{line:0,col:offset};let start=this.lineStarts[low-1];return{line:low,col:offset-start+1}}}};exports.LineCounter=LineCounter2}});var require_parser=__commonJS({"node_modules/yaml/dist/parse/parser.js"(exports){"use strict";var node_process=__require("process"),cst=require_cst(),lexer=require_lexer();function includesToken(list,type){for(let i=0;i<list.length;++i)if(list[i].type===type)return!0;return!1}function findNonEmptyIndex(list){for(let i=0;i<list.length;++i)switch(list[i].type){case"space":case"comment":case"newline":break;default:return i}return-1}function isFlowToken(token){switch(token?.type){case"alias":case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":case"flow-collection":return!0;default:return!1}}function getPrevProps(parent){switch(parent.type){case"document":return parent.start;case"block-map":{let it=parent.items[parent.items.length-1];return it.sep??it.start}case"block-seq":return parent.items[parent.items.length-1].start;default:return[]}}function getFirstKeyStartProps(prev){if(prev.length===0)return[];let i=prev.length;loop:for(;--i>=0;)switch(prev[i].type){case"doc-start":case"explicit-key-ind":case"map-value-ind":case"seq-item-ind":case"newline":break loop}for(;prev[++i]?.type==="space";);return prev.splice(i,prev.length)}function arrayPushArray(target,source){if(source.length<1e5)Array.prototype.push.apply(target,source);else for(let i=0;i<source.length;++i)target.push(source[i])}function fixFlowSeqItems(fc){if(fc.start.type==="flow-seq-start")for(let it of fc.items)it.sep&&!it.value&&!includesToken(it.start,"explicit-key-ind")&&!includesToken(it.sep,"map-value-ind")&&(it.key&&(it.value=it.key),delete it.key,isFlowToken(it.value)?it.value.end?arrayPushArray(it.value.end,it.sep):it.value.end=it.sep:arrayPushArray(it.start,it.sep),delete it.sep)}var Parser=class{constructor(onNewLine){this.atNewLine=!0,this.atScalar=!1,this.indent=0,this.offset=0,this.onKeyLine=!1,this.stack=[],this.source="",this.type="",this.lexer=new lexer.Lexer,this.onNewLine=onNewLine}*parse(source,incomplete=!1){this.onNewLine&&this.offset===0&&this.onNewLine(0);for(let lexeme of this.lexer.lex(source,incomplete))yield*this.next(lexeme);incomplete||(yield*this.end())}*next(source){if(this.source=source,node_process.env.LOG_TOKENS&&console.log("|",cst.prettyToken(source)),this.atScalar){this.atScalar=!1,yield*this.step(),this.offset+=source.length;return}let type=cst.tokenType(source);if(type)if(type==="scalar")this.atNewLine=!1,this.atScalar=!0,this.type="scalar";else{switch(this.type=type,yield*this.step(),type){case"newline":this.atNewLine=!0,this.indent=0,this.onNewLine&&this.onNewLine(this.offset+source.length);break;case"space":this.atNewLine&&source[0]===" "&&(this.indent+=source.length);break;case"explicit-key-ind":case"map-value-ind":case"seq-item-ind":this.atNewLine&&(this.indent+=source.length);break;case"doc-mode":case"flow-error-end":return;default:this.atNewLine=!1}this.offset+=source.length}else{let message=`Not a YAML token: ${source}`;yield*this.pop({type:"error",offset:this.offset,message,source}),this.offset+=source.length}}*end(){for(;this.stack.length>0;)yield*this.pop()}get sourceToken(){return{type:this.type,offset:this.offset,indent:this.indent,source:this.source}}*step(){let top=this.peek(1);if(this.type==="doc-end"&&top?.type!=="doc-end"){for(;this.stack.length>0;)yield*this.pop();this.stack.push({type:"doc-end",offset:this.offset,source:this.source});return}if(!top)return yield*this.stream();switch(top.type){case"document":return yield*this.document(top);case"alias":case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":return yield*this.scalar(top);case"block-scalar":return yield*this.blockScalar(top);case"block-map":return yield*this.blockMap(top);case"block-seq":return yield*this.blockSequence(top);case"flow-collection":return yield*this.flowCollection(top);case"doc-end":return yield*this.documentEnd(top)}yield*this.pop()}peek(n){return this.stack[this.stack.length-n]}*pop(error){let token=error??this.stack.pop();if(!token)yield{type:"error",offset:this.offset,source:"",message:"Tried to pop an empty stack"};else if(this.stack.length===0)yield token;else{let top=this.peek(1);switch(token.type==="block-scalar"?token.indent="indent"in top?top.indent:0:token.type==="flow-collection"&&top.type==="document"&&(token.indent=0),token.type==="flow-collection"&&fixFlowSeqItems(token),top.type){case"document":top.value=token;break;case"block-scalar":top.props.push(token);break;case"block-map":{let it=top.items[top.items.length-1];if(it.value){top.items.push({start:[],key:token,sep:[]}),this.onKeyLine=!0;return}else if(it.sep)it.value=token;else{Object.assign(it,{key:token,sep:[]}),this.onKeyLine=!it.explicitKey;return}break}case"block-seq":{let it=top.items[top.items.length-1];it.value?top.items.push({start:[],value:token}):it.value=token;break}case"flow-collection":{let it=top.items[top.items.length-1];!it||it.value?top.items.push({start:[],key:token,sep:[]}):it.sep?it.value=token:Object.assign(it,{key:token,sep:[]});return}default:yield*this.pop(),yield*this.pop(token)}if((top.type==="document"||top.type==="block-map"||top.type==="block-seq")&&(token.type==="block-map"||token.type==="block-seq")){let last=token.items[token.items.length-1];last&&!last.sep&&!last.value&&last.start.length>0&&findNonEmptyIndex(last.start)===-1&&(token.indent===0||last.start.every(st=>st.type!=="comment"||st.indent<token.indent))&&(top.type==="document"?top.end=last.start:top.items.push({start:last.start}),token.items.splice(-1,1))}}}*stream(){switch(this.type){case"directive-line":yield{type:"directive",offset:this.offset,source:this.source};return;case"byte-order-mark":case"space":case"comment":case"newline":yield this.sourceToken;return;case"doc-mode":case"doc-start":{let doc={type:"document",offset:this.offset,start:[]};this.type==="doc-start"&&doc.start.push(this.sourceToken),this.stack.push(doc);return}}yield{type:"error",offset:this.offset,message:`Unexpected ${this.type} token in YAML stream`,source:this.source}}*document(doc){if(doc.value)return yield*this.lineEnd(doc);switch(this.type){case"doc-start":{findNonEmptyIndex(doc.start)!==-1?(yield*this.pop(),yield*this.step()):doc.start.push(this.sourceToken);return}case"anchor":case"tag":case"space":case"comment":case"newline":doc.start.push(this.sourceToken);return}let bv=this.startBlockValue(doc);bv?this.stack.push(bv):yield{type:"error",offset:this.offset,message:`Unexpected ${this.type} token in YAML document`,source:this.source}}*scalar(scalar){if(this.type==="map-value-ind"){let prev=getPrevProps(this.peek(2)),start=getFirstKeyStartProps(prev),sep2;scalar.end?(sep2=scalar.end,sep2.push(this.sourceToken),delete scalar.end):sep2=[this.sourceToken];let map={type:"block-map",offset:scalar.offset,indent:scalar.indent,items:[{start,key:scalar,sep:sep2}]};this.onKeyLine=!0,this.stack[this.stack.length-1]=map}else yield*this.lineEnd(scalar)}*blockScalar(scalar){switch(this.type){case"space":case"comment":case"newline":scalar.props.push(this.sourceToken);return;case"scalar":if(scalar.source=this.source,this.atNewLine=!0,this.indent=0,this.onNewLine){let nl=this.source.indexOf(`
`)+1;for(;nl!==0;)this.onNewLine(this.offset+nl),nl=this.source.indexOf(`
`,nl)+1}yield*this.pop();break;default:yield*this.pop(),yield*this.step()}}*blockMap(map){let it=map.items[map.items.length-1];switch(this.type){case"newline":if(this.onKeyLine=!1,it.value){let end="end"in it.value?it.value.end:void 0;(Array.isArray(end)?end[end.length-1]:void 0)?.type==="comment"?end?.push(this.sourceToken):map.items.push({start:[this.sourceToken]})}else it.sep?it.sep.push(this.sourceToken):it.start.push(this.sourceToken);return;case"space":case"comment":if(it.value)map.items.push({start:[this.sourceToken]});else if(it.sep)it.sep.push(this.sourceToken);else{if(this.atIndentedComment(it.start,map.indent)){let end=map.items[map.items.length-2]?.value?.end;if(Array.isArray(end)){arrayPushArray(end,it.start),end.push(this.sourceToken),map.items.pop();return}}it.start.push(this.sourceToken)}return}if(this.indent>=map.indent){let atMapIndent=!this.onKeyLine&&this.indent===map.indent,atNextItem=atMapIndent&&(it.sep||it.explicitKey)&&this.type!=="seq-item-ind",start=[];if(atNextItem&&it.sep&&!it.value){let nl=[];for(let i=0;i<it.sep.length;++i){let st=it.sep[i];switch(st.type){case"newline":nl.push(i);break;case"space":break;case"comment":st.indent>map.indent&&(nl.length=0);break;default:nl.length=0}}nl.length>=2&&(start=it.sep.splice(nl[1]))}switch(this.type){case"anchor":case"tag":atNextItem||it.value?(start.push(this.sourceToken),map.items.push({start}),this.onKeyLine=!0):it.sep?it.sep.push(this.sourceToken):it.start.push(this.sourceToken);return;case"explicit-key-ind":!it.sep&&!it.explicitKey?(it.start.push(this.sourceToken),it.explicitKey=!0):atNextItem||it.value?(start.push(this.sourceToken),map.items.push({start,explicitKey:!0})):this.stack.push({type:"block-map",offset:this.offset,indent:this.indent,items:[{start:[this.sourceToken],explicitKey:!0}]}),this.onKeyLine=!0;return;case"map-value-ind":if(it.explicitKey)if(it.sep)if(it.value)map.items.push({start:[],key:null,sep:[this.sourceToken]});else if(includesToken(it.sep,"map-value-ind"))this.stack.push({type:"block-map",offset:this.offset,indent:this.indent,items:[{start,key:null,sep:[this.sourceToken]}]});else if(isFlowToken(it.key)&&!includesToken(it.sep,"newline")){let start2=getFirstKeyStartProps(it.start),key=it.key,sep2=it.sep;sep2.push(this.sourceToken),delete it.key,delete it.sep,this.stack.push({type:"block-map",offset:this.offset,indent:this.indent,items:[{start:start2,key,sep:sep2}]})}else start.length>0?it.sep=it.sep.concat(start,this.sourceToken):it.sep.push(this.sourceToken);else if(includesToken(it.start,"newline"))Object.assign(it,{key:null,sep:[this.sourceToken]});else{let start2=getFirstKeyStartProps(it.start);this.stack.push({type:"block-map",offset:this.offset,indent:this.indent,items:[{start:start2,key:null,sep:[this.sourceToken]}]})}else it.sep?it.value||atNextItem?map.items.push({start,key:null,sep:[this.sourceToken]}):includesToken(it.sep,"map-value-ind")?this.stack.push({type:"block-map",offset:this.offset,indent:this.indent,items:[{start:[],key:null,sep:[this.sourceToken]}]}):it.sep.push(this.sourceToken):Object.assign(it,{key:null,sep:[this.sourceToken]});this.onKeyLine=!0;return;case"alias":case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":{let fs=this.flowScalar(this.type);atNextItem||it.value?(map.items.push({start,key:fs,sep:[]}),this.onKeyLine=!0):it.sep?this.stack.push(fs):(Object.assign(it,{key:fs,sep:[]}),this.onKeyLine=!0);return}default:{let bv=this.startBlockValue(map);if(bv){if(bv.type==="block-seq"){if(!it.explicitKey&&it.sep&&!includesToken(it.sep,"newline")){yield*this.pop({type:"error",offset:this.offset,message:"Unexpected block-seq-ind on same line with key",source:this.source});return}}else atMapIndent&&map.items.push({start});this.stack.push(bv);return}}}}yield*this.pop(),yield*this.step()}*blockSequence(seq){let it=seq.items[seq.items.length-1];switch(this.type){case"newline":if(it.value){let end="end"in it.value?it.value.end:void 0;(Array.isArray(end)?end[end.length-1]:void 0)?.type==="comment"?end?.push(this.sourceToken):seq.items.push({start:[this.sourceToken]})}else it.start.push(this.sourceToken);return;case"space":case"comment":if(it.value)seq.items.push({start:[this.sourceToken]});else{if(this.atIndentedComment(it.start,seq.indent)){let end=seq.items[seq.items.length-2]?.value?.end;if(Array.isArray(end)){arrayPushArray(end,it.start),end.push(this.sourceToken),seq.items.pop();return}}it.start.push(this.sourceToken)}return;case"anchor":case"tag":if(it.value||this.indent<=seq.indent)break;it.start.push(this.sourceToken);return;case"seq-item-ind":if(this.indent!==seq.indent)break;it.value||includesToken(it.start,"seq-item-ind")?seq.items.push({start:[this.sourceToken]}):it.start.push(this.sourceToken);return}if(this.indent>seq.indent){let bv=this.startBlockValue(seq);if(bv){this.stack.push(bv);return}}yield*this.pop(),yield*this.step()}*flowCollection(fc){let it=fc.items[fc.items.length-1];if(this.type==="flow-error-end"){let top;do yield*this.pop(),top=this.peek(1);while(top?.type==="flow-collection")}else if(fc.end.length===0){switch(this.type){case"comma":case"explicit-key-ind":!it||it.sep?fc.items.push({start:[this.sourceToken]}):it.start.push(this.sourceToken);return;case"map-value-ind":!it||it.value?fc.items.push({start:[],key:null,sep:[this.sourceToken]}):it.sep?it.sep.push(this.sourceToken):Object.assign(it,{key:null,sep:[this.sourceToken]});return;case"space":case"comment":case"newline":case"anchor":case"tag":!it||it.value?fc.items.push({start:[this.sourceToken]}):it.sep?it.sep.push(this.sourceToken):it.start.push(this.sourceToken);return;case"alias":case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":{let fs=this.flowScalar(this.type);!it||it.value?fc.items.push({start:[],key:fs,sep:[]}):it.sep?this.stack.push(fs):Object.assign(it,{key:fs,sep:[]});return}case"flow-map-end":case"flow-seq-end":fc.end.push(this.sourceToken);return}let bv=this.startBlockValue(fc);bv?this.stack.push(bv):(yield*this.pop(),yield*this.step())}else{let parent=this.peek(2);if(parent.type==="block-map"&&(this.type==="map-value-ind"&&parent.indent===fc.indent||this.type==="newline"&&!parent.items[parent.items.length-1].sep))yield*this.pop(),yield*this.step();else if(this.type==="map-value-ind"&&parent.type!=="flow-collection"){let prev=getPrevProps(parent),start=getFirstKeyStartProps(prev);fixFlowSeqItems(fc);let sep2=fc.end.splice(1,fc.end.length);sep2.push(this.sourceToken);let map={type:"block-map",offset:fc.offset,indent:fc.indent,items:[{start,key:fc,sep:sep2}]};this.onKeyLine=!0,this.stack[this.stack.length-1]=map}else yield*this.lineEnd(fc)}}flowScalar(type){if(this.onNewLine){let nl=this.source.indexOf(`
`)+1;for(;nl!==0;)this.onNewLine(this.offset+nl),nl=this.source.indexOf(`
`,nl)+1}return{type,offset:this.offset,indent:this.indent,source:this.source}}startBlockValue(parent){switch(this.type){case"alias":case"scalar":case"single-quoted-scalar":case"double-quoted-scalar":return this.flowScalar(this.type);case"block-scalar-header":return{type:"block-scalar",offset:this.offset,indent:this.indent,props:[this.sourceToken],source:""};case"flow-map-start":case"flow-seq-start":return{type:"flow-collection",offset:this.offset,indent:this.indent,start:this.sourceToken,items:[],end:[]};case"seq-item-ind":return{type:"block-seq",offset:this.offset,indent:this.indent,items:[{start:[this.sourceToken]}]};case"explicit-key-ind":{this.onKeyLine=!0;let prev=getPrevProps(parent),start=getFirstKeyStartProps(prev);return start.push(this.sourceToken),{type:"block-map",offset:this.offset,indent:this.indent,items:[{start,explicitKey:!0}]}}case"map-value-ind":{this.onKeyLine=!0;let prev=getPrevProps(parent),start=getFirstKeyStartProps(prev);return{type:"block-map",offset:this.offset,indent:this.indent,items:[{start,key:null,sep:[this.sourceToken]}]}}}return null}atIndentedComment(start,indent){return this.type!=="comment"||this.indent<=indent?!1:start.every(st=>st.type==="newline"||st.type==="space")}*documentEnd(docEnd){this.type!=="doc-mode"&&(docEnd.end?docEnd.end.push(this.sourceToken):docEnd.end=[this.sourceToken],this.type==="newline"&&(yield*this.pop()))}*lineEnd(token){switch(this.type){case"comma":case"doc-start":case"doc-end":case"flow-seq-end":case"flow-map-end":case"map-value-ind":yield*this.pop(),yield*this.step();break;case"newline":this.onKeyLine=!1;default:token.end?token.end.push(this.sourceToken):token.end=[this.sourceToken],this.type==="newline"&&(yield*this.pop())}}};exports.Parser=Parser}});var require_public_api=__commonJS({"node_modules/yaml/dist/public-api.js"(exports){"use strict";var composer=require_composer(),Document=require_Document(),errors=require_errors(),log=require_log(),identity=require_identity(),lineCounter=require_line_counter(),parser=require_parser();function parseOptions(options){let prettyErrors=options.prettyErrors!==!1;return{lineCounter:options.lineCounter||prettyErrors&&new lineCounter.LineCounter||null,prettyErrors}}function parseAllDocuments2(source,options={}){let{lineCounter:lineCounter2,prettyErrors}=parseOptions(options),parser$1=new parser.Parser(lineCounter2?.addNewLine),composer$1=new composer.Composer(options),docs=Array.from(composer$1.compose(parser$1.parse(source)));if(prettyErrors&&lineCounter2)for(let doc of docs)doc.errors.forEach(errors.prettifyError(source,lineCounter2)),doc.warnings.forEach(errors.prettifyError(source,lineCounter2));return docs.length>0?docs:Object.assign([],{empty:!0},composer$1.streamInfo())}function parseDocument2(source,options={}){let{lineCounter:lineCounter2,prettyErrors}=parseOptions(options),parser$1=new parser.Parser(lineCounter2?.addNewLine),composer$1=new composer.Composer(options),doc=null;for(let _doc of composer$1.compose(parser$1.parse(source),!0,source.length))if(!doc)doc=_doc;else if(doc.options.logLevel!=="silent"){doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0,2),"MULTIPLE_DOCS","Source contains multiple documents; please use YAML.parseAllDocuments()"));break}return prettyErrors&&lineCounter2&&(doc.errors.forEach(errors.prettifyError(source,lineCounter2)),doc.warnings.forEach(errors.prettifyError(source,lineCounter2))),doc}function parse(src,reviver,options){let _reviver;typeof reviver=="function"?_reviver=reviver:options===void 0&&reviver&&typeof reviver=="object"&&(options=reviver);let doc=parseDocument2(src,options);if(!doc)return null;if(doc.warnings.forEach(warning=>log.warn(doc.options.logLevel,warning)),doc.errors.length>0){if(doc.options.logLevel!=="silent")throw doc.errors[0];doc.errors=[]}return doc.toJS(Object.assign({reviver:_reviver},options))}function stringify(value,replacer,options){let _replacer=null;if(typeof replacer=="function"||Array.isArray(replacer)?_replacer=replacer:options===void 0&&replacer&&(options=replacer),typeof options=="string"&&(options=options.length),typeof options=="number"){let indent=Math.round(options);options=indent<1?void 0:indent>8?{indent:8}:{indent}}if(value===void 0){let{keepUndefined}=options??replacer??{};if(!keepUndefined)return}return identity.isDocument(value)&&!_replacer?value.toString(options):new Document.Document(value,_replacer,options).toString(options)}exports.parse=parse;exports.parseAllDocuments=parseAllDocuments2;exports.parseDocument=parseDocument2;exports.stringify=stringify}});var require_dist=__commonJS({"node_modules/yaml/dist/index.js"(exports){"use strict";var composer=require_composer(),Document=require_Document(),Schema=require_Schema(),errors=require_errors(),Alias=require_Alias(),identity=require_identity(),Pair=require_Pair(),Scalar=require_Scalar(),YAMLMap=require_YAMLMap(),YAMLSeq=require_YAMLSeq(),cst=require_cst(),lexer=require_lexer(),lineCounter=require_line_counter(),parser=require_parser(),publicApi=require_public_api(),visit=require_visit();exports.Composer=composer.Composer;exports.Document=Document.Document;exports.Schema=Schema.Schema;exports.YAMLError=errors.YAMLError;exports.YAMLParseError=errors.YAMLParseError;exports.YAMLWarning=errors.YAMLWarning;exports.Alias=Alias.Alias;exports.isAlias=identity.isAlias;exports.isCollection=identity.isCollection;exports.isDocument=identity.isDocument;exports.isMap=identity.isMap;exports.isNode=identity.isNode;exports.isPair=identity.isPair;exports.isScalar=identity.isScalar;exports.isSeq=identity.isSeq;exports.Pair=Pair.Pair;exports.Scalar=Scalar.Scalar;exports.YAMLMap=YAMLMap.YAMLMap;exports.YAMLSeq=YAMLSeq.YAMLSeq;exports.CST=cst;exports.Lexer=lexer.Lexer;exports.LineCounter=lineCounter.LineCounter;exports.Parser=parser.Parser;exports.parse=publicApi.parse;exports.parseAllDocuments=publicApi.parseAllDocuments;exports.parseDocument=publicApi.parseDocument;exports.stringify=publicApi.stringify;exports.visit=visit.visit;exports.visitAsync=visit.visitAsync}});import{existsSync,readFileSync,realpathSync}from"node:fs";import{isAbsolute,relative,resolve as resolve2,sep}from"node:path";var DescribeSpotPriceHistoryCommand=class extends command(_ep0,_mw0,"DescribeSpotPriceHistory",DescribeSpotPriceHistory$){};var CancelCommandCommand=class extends command2(_ep02,_mw02,"CancelCommand",CancelCommand$){};var DescribeInstanceInformationCommand=class extends command2(_ep02,_mw02,"DescribeInstanceInformation",DescribeInstanceInformation$){};var GetCommandInvocationCommand=class extends command2(_ep02,_mw02,"GetCommandInvocation",GetCommandInvocation$){};var SendCommandCommand=class extends command2(_ep02,_mw02,"SendCommand",SendCommand$){};var GetObjectCommand=class extends command3(_ep03,_mw7,"GetObject",GetObject$){};var ListObjectsV2Command=class extends command3(_ep8,_mw03,"ListObjectsV2",ListObjectsV2$){};var PutObjectCommand=class extends command3(_ep03,_mw11,"PutObject",PutObject$){};var command4=makeBuilder(commonParams,"AWSPriceListService","PricingClient",getEndpointPlugin),_ep04={},_mw04=(Command,cs,config,o)=>[];var GetProductsCommand=class extends command4(_ep04,_mw04,"GetProducts",GetProducts$){};function errorLine(error){let message=error instanceof Error?error.message:String(error);return message.split(`
`)[0]??message}var import_yaml=__toESM(require_dist(),1);import{createHash}from"node:crypto";var FAULT_KINDS=["pod-kill","container-kill","network-delay","network-loss","cpu-stress","memory-stress","gpu-contention","gpu-power-cap","k3s-restart","device-plugin-restart","node-reboot"],FAULT_SUPPORT={"llm-serving":["pod-kill","container-kill","network-delay","network-loss","gpu-power-cap","k3s-restart","device-plugin-restart","cpu-stress","memory-stress","gpu-contention"],resnet50:["gpu-power-cap","k3s-restart","device-plugin-restart","cpu-stress","memory-stress","gpu-contention"]},FAULT_ID=/^[a-z0-9](?:[-a-z0-9]{0,30}[a-z0-9])?$/,FaultSlo=external_exports.strictObject({maxRecoverySeconds:external_exports.number().positive().max(3600),maxErrorRate:external_exports.number().min(0).max(1).default(1),band:external_exports.number().positive().max(100).default(10)}),FaultLoad=external_exports.strictObject({requestRate:external_exports.number().positive().max(200).default(4),outputLen:external_exports.int().min(1).max(4096).default(32),requestTimeoutSeconds:external_exports.number().positive().max(600).default(30)}),common={id:external_exports.string().regex(FAULT_ID,"must be 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit"),at:external_exports.number().min(5).max(86400),baselineSeconds:external_exports.number().min(5).max(3600).default(60),timeoutSeconds:external_exports.int().min(10).max(7200).default(300),weight:external_exports.number().positive().max(100).default(1),slo:FaultSlo,load:FaultLoad.default({requestRate:4,outputLen:32,requestTimeoutSeconds:30})},lasting={duration:external_exports.number().min(1).max(3600)},instant={duration:external_exports.undefined({error:"this kind is instantaneous: remove duration"}).optional()},PodKill=external_exports.strictObject({...common,...instant,kind:external_exports.literal("pod-kill"),params:external_exports.strictObject({gracePeriodSeconds:external_exports.int().min(0).max(300).default(0)}).default({gracePeriodSeconds:0})}),ContainerKill=external_exports.strictObject({...common,...instant,kind:external_exports.literal("container-kill"),params:external_exports.strictObject({signal:external_exports.enum(["KILL","TERM"]).default("KILL")}).default({signal:"KILL"})}),NetworkDelay=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("network-delay"),params:external_exports.strictObject({delayMs:external_exports.int().min(1).max(1e4),jitterMs:external_exports.int().min(0).max(1e4).default(0)})}),NetworkLoss=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("network-loss"),params:external_exports.strictObject({lossPercent:external_exports.number().min(.1).max(100)})}),CpuStress=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("cpu-stress"),params:external_exports.strictObject({workers:external_exports.int().min(1).max(256)})}),MemoryStress=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("memory-stress"),params:external_exports.strictObject({workers:external_exports.int().min(1).max(64).default(1),memoryShare:external_exports.number().min(.05).max(.95)})}),GpuContention=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("gpu-contention"),params:external_exports.strictObject({matrixSize:external_exports.int().min(256).max(16384).default(4096)}).default({matrixSize:4096})}),GpuPowerCap=external_exports.strictObject({...common,...lasting,kind:external_exports.literal("gpu-power-cap"),params:external_exports.strictObject({fraction:external_exports.number().min(.1).max(.95)})}),K3sRestart=external_exports.strictObject({...common,...instant,kind:external_exports.literal("k3s-restart"),params:external_exports.strictObject({}).default({})}),DevicePluginRestart=external_exports.strictObject({...common,...instant,kind:external_exports.literal("device-plugin-restart"),params:external_exports.strictObject({}).default({})}),NodeReboot=external_exports.strictObject({...common,...instant,kind:external_exports.literal("node-reboot"),params:external_exports.strictObject({}).default({})}),Fault=external_exports.discriminatedUnion("kind",[PodKill,ContainerKill,NetworkDelay,NetworkLoss,CpuStress,MemoryStress,GpuContention,GpuPowerCap,K3sRestart,DevicePluginRestart,NodeReboot]),FAULT_SCHEMAS={"pod-kill":PodKill,"container-kill":ContainerKill,"network-delay":NetworkDelay,"network-loss":NetworkLoss,"cpu-stress":CpuStress,"memory-stress":MemoryStress,"gpu-contention":GpuContention,"gpu-power-cap":GpuPowerCap,"k3s-restart":K3sRestart,"device-plugin-restart":DevicePluginRestart,"node-reboot":NodeReboot};function faultWindowEnd(f){return f.at+(f.duration??0)+f.timeoutSeconds}function faultTimelineSeconds(faults2){return faults2.reduce((end,f)=>Math.max(end,faultWindowEnd(f)),0)}function checkWorkloadFaults(workloadKind,faults2,ctx){let supported=FAULT_SUPPORT[workloadKind],ids=new Map;faults2.forEach((f,i)=>{if(!supported.includes(f.kind)){let anywhere=Object.values(FAULT_SUPPORT).some(list=>list.includes(f.kind));ctx.addIssue({code:"custom",path:["faults",i,"kind"],message:anywhere?`'${f.kind}' is not supported on a ${workloadKind} workload (supported there: ${supported.join(", ")})`:`'${f.kind}' is not built in this version (supported on ${workloadKind}: ${supported.join(", ")})`})}let first=ids.get(f.id);first!==void 0?ctx.addIssue({code:"custom",path:["faults",i,"id"],message:`'${f.id}' is already the id of faults[${first}]`}):ids.set(f.id,i),f.baselineSeconds>f.at&&ctx.addIssue({code:"custom",path:["faults",i,"at"],message:`must be at least baselineSeconds (${f.baselineSeconds}): the load needs that long before the fault for its baseline`})});let order=faults2.map((f,i)=>({f,i})).sort((a,b)=>a.f.at-b.f.at);for(let k=1;k<order.length;k++){let prev=order[k-1],next=order[k],prevEnd=faultWindowEnd(prev.f),nextStart=next.f.at-next.f.baselineSeconds;nextStart<prevEnd&&ctx.addIssue({code:"custom",path:["faults",next.i,"at"],message:`overlaps faults[${prev.i}] ('${prev.f.id}', whose window lasts until ${prevEnd}s: at + duration + timeoutSeconds): this fault's baseline starts at ${nextStart}s (at - baselineSeconds); move it to at least ${prevEnd+next.f.baselineSeconds}`})}}var SUITE_VERSION=1,WORKLOAD_ID=/^[a-z0-9](?:[-a-z0-9]{0,30}[a-z0-9])?$/,SUITE_NAME=/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,MODEL_ID=/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/,REVISION=/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/,IMAGE_REF=/^[a-z0-9][a-z0-9._\-/:]{0,200}(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,MAX_TIMED_STEPS=1e6,DEFAULT_STEPS=100,workloadId=external_exports.string().regex(WORKLOAD_ID,"must be 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit"),image=external_exports.string().regex(IMAGE_REF,"must be a container image reference such as pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime"),faults=external_exports.array(Fault).max(20).default([]),trials=fallback=>external_exports.int().min(1).max(20).default(fallback),ResNet50Workload=external_exports.strictObject({id:workloadId,kind:external_exports.literal("resnet50"),trials:trials(3),mode:external_exports.enum(["train","inference"]).default("train"),batchSize:external_exports.int().min(1).max(4096).default(128),imageSize:external_exports.int().min(32).max(1024).default(224),precision:external_exports.enum(["auto","fp32","tf32","fp16","bf16"]).default("auto"),channelsLast:external_exports.boolean().default(!0),compile:external_exports.boolean().default(!1),warmupSteps:external_exports.int().min(0).max(1e4).default(20),steps:external_exports.int().min(1).max(MAX_TIMED_STEPS).optional(),epochs:external_exports.number().positive().max(1e3).optional(),imagesPerEpoch:external_exports.int().min(1).max(1e8).default(12800),findMaxBatch:external_exports.boolean().default(!1),image:image.optional(),timeoutMinutes:external_exports.int().min(1).max(720).default(30),faults}).superRefine((w,ctx)=>{checkWorkloadFaults("resnet50",w.faults,ctx),w.faults.length>0&&w.mode!=="train"&&ctx.addIssue({code:"custom",path:["faults"],message:"fault scenarios need mode: train (training throughput is what they measure)"}),w.steps!==void 0&&w.epochs!==void 0?ctx.addIssue({code:"custom",path:["epochs"],message:"give either steps or epochs, not both"}):w.epochs!==void 0&&Math.ceil(w.epochs*w.imagesPerEpoch/w.batchSize)>MAX_TIMED_STEPS&&ctx.addIssue({code:"custom",path:["epochs"],message:`${w.epochs} epochs of ${w.imagesPerEpoch} images at batch ${w.batchSize} is more than ${MAX_TIMED_STEPS} steps`})}),ServingSlo=external_exports.strictObject({ttftMs:external_exports.number().positive().max(6e5).optional(),tpotMs:external_exports.number().positive().max(6e4).optional(),e2elMs:external_exports.number().positive().max(36e5).optional()}),DEFAULT_MODEL="Qwen/Qwen2.5-0.5B-Instruct",LlmServingWorkload=external_exports.strictObject({id:workloadId,kind:external_exports.literal("llm-serving"),trials:trials(1),model:external_exports.string().regex(MODEL_ID,"must be a Hugging Face model id such as Qwen/Qwen2.5-0.5B-Instruct").default(DEFAULT_MODEL),revision:external_exports.string().regex(REVISION,"must be a branch, tag or commit of the model repository").optional(),dtype:external_exports.enum(["auto","half","float16","bfloat16","float32"]).default("auto"),maxModelLen:external_exports.int().min(128).max(1048576).default(4096),gpuMemoryUtilization:external_exports.number().min(.1).max(.98).default(.9),requestRates:external_exports.array(external_exports.number().positive().max(1e5)).max(20).default([1,4,16]),maxThroughput:external_exports.boolean().default(!0),numPrompts:external_exports.int().min(1).max(1e5).default(200),inputLen:external_exports.int().min(1).max(1e6).default(512),outputLen:external_exports.int().min(1).max(1e5).default(128),maxConcurrency:external_exports.int().min(1).max(1e5).optional(),seed:external_exports.int().min(0).max(2**31-1).default(0),slo:ServingSlo.default({ttftMs:1e3,tpotMs:100}),image:image.optional(),serverStartTimeoutMinutes:external_exports.int().min(1).max(120).default(20),benchTimeoutMinutes:external_exports.int().min(1).max(720).default(30),faults}).superRefine((w,ctx)=>{checkWorkloadFaults("llm-serving",w.faults,ctx),w.requestRates.length===0&&!w.maxThroughput&&ctx.addIssue({code:"custom",path:["requestRates"],message:"is empty and maxThroughput is false: nothing would be measured"}),new Set(w.requestRates).size!==w.requestRates.length&&ctx.addIssue({code:"custom",path:["requestRates"],message:"lists the same request rate twice"}),w.inputLen+w.outputLen>w.maxModelLen&&ctx.addIssue({code:"custom",path:["inputLen"],message:`inputLen + outputLen (${w.inputLen+w.outputLen}) exceeds maxModelLen (${w.maxModelLen})`}),w.slo.ttftMs===void 0&&w.slo.tpotMs===void 0&&w.slo.e2elMs===void 0&&ctx.addIssue({code:"custom",path:["slo"],message:"names no objective: give ttftMs, tpotMs or e2elMs"})}),WORKLOAD_KINDS={resnet50:ResNet50Workload,"llm-serving":LlmServingWorkload},Workload=external_exports.discriminatedUnion("kind",[ResNet50Workload,LlmServingWorkload]),Suite=external_exports.strictObject({version:external_exports.literal(SUITE_VERSION),name:external_exports.string().regex(SUITE_NAME,"must be 1-64 letters, digits and . _ -"),description:external_exports.string().max(2e3).optional(),workloads:external_exports.array(Workload).min(1).max(20),telemetry:external_exports.strictObject({intervalSeconds:external_exports.number().min(.1).max(60)}).optional()}).superRefine((s,ctx)=>{let seen=new Map;s.workloads.forEach((w,i)=>{let first=seen.get(w.id);first!==void 0?ctx.addIssue({code:"custom",path:["workloads",i,"id"],message:`'${w.id}' is already the id of workloads[${first}]`}):seen.set(w.id,i)})}),DEFAULT_SUITE=Suite.parse({version:SUITE_VERSION,name:"classic",description:"ResNet50 training on synthetic data, batch 128, mixed precision chosen for the GPU.",workloads:[{id:"resnet50-train",kind:"resnet50",mode:"train",batchSize:128,steps:DEFAULT_STEPS}]}),SuiteError=class extends Error{constructor(problems,source){let where=source?`Suite file '${source}'`:"The suite file";super(problems.length===1?`${where} is not valid: ${problems[0]}`:`${where} has ${problems.length} problems:
${problems.map(p=>`  - ${p}`).join(`
`)}`);this.problems=problems;this.name="SuiteError"}problems};function timedSteps(w){return w.epochs!==void 0?Math.max(1,Math.ceil(w.epochs*w.imagesPerEpoch/w.batchSize)):w.steps??DEFAULT_STEPS}function loadSuite(text,overrides={},options={}){let suite;return text===void 0||text.trim()===""?suite=DEFAULT_SUITE:suite=parseSuiteText(text,options),applyOverrides(suite,overrides,options.source)}function parseSuiteText(text,options){let lines=new import_yaml.LineCounter,doc=(0,import_yaml.parseDocument)(text,{lineCounter:lines,prettyErrors:!0,uniqueKeys:!0});if(doc.errors.length>0)throw new SuiteError(doc.errors.map(e=>`not valid YAML: ${(e.message.split(`
`)[0]??"").replace(/:$/,"")}`),options.source);let raw=doc.toJS();if(raw==null)throw new SuiteError(["it is empty: give at least version, name and workloads"],options.source);let lineOf=path=>{for(let n=path.length;n>=0;n--){let node=doc.getIn(path.slice(0,n),!0);if(node?.range)return lines.linePos(node.range[0]).line;if(n===0){let contents=doc.contents;return contents?.range?lines.linePos(contents.range[0]).line:void 0}}},problems=[],parsed=Suite.safeParse(raw);if(parsed.success||problems.push(...describeIssues(parsed.error.issues,raw,[])),problems.length>0||!parsed.success){let located=dedupe(problems).map(p=>({...p,line:lineOf(p.path)}));throw located.sort((a,b)=>(a.line??0)-(b.line??0)),new SuiteError(located.map(p=>`${formatPath(p.path)}${p.line!==void 0?` (line ${p.line})`:""}: ${p.message}`),options.source)}return parsed.data}function applyOverrides(suite,overrides,source){if(overrides.epochs===void 0&&overrides.batchSize===void 0)return suite;let candidate={...suite,workloads:suite.workloads.map(w=>{if(w.kind!=="resnet50")return w;let next={...w};return overrides.batchSize!==void 0&&(next.batchSize=overrides.batchSize),overrides.epochs!==void 0&&w.mode==="train"&&(next.epochs=overrides.epochs,delete next.steps),next})},parsed=Suite.safeParse(candidate);if(!parsed.success){let names=[overrides.epochs!==void 0?"'epochs'":"",overrides.batchSize!==void 0?"'batch-size'":""].filter(Boolean),given=`${names.join(" and ")} input${names.length>1?"s":""}`;throw new SuiteError(describeIssues(parsed.error.issues,candidate,[]).map(p=>`${formatPath(p.path)}: ${p.message} (after applying the ${given})`),source)}return parsed.data}function suiteHash(suite){return createHash("sha256").update(canonicalJson(suite)).digest("hex")}function canonicalJson(value){return Array.isArray(value)?`[${value.map(canonicalJson).join(",")}]`:isRecord(value)?`{${Object.keys(value).filter(k=>value[k]!==void 0).sort().map(k=>`${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`:JSON.stringify(value)}function describeIssues(issues,raw,prefix){let out=[];for(let issue of issues){let path=[...prefix,...issue.path],value=valueAt(raw,path);switch(issue.code){case"unrecognized_keys":{let allowed=allowedKeys(raw,path);for(let key of issue.keys){let hint=allowed?suggest(key,allowed):void 0;out.push({path:[...path,key],message:`unknown key${hint?`; did you mean '${hint}'?`:""}${allowed?` (allowed here: ${allowed.join(", ")})`:""}`})}break}case"invalid_type":if(issue.expected==="undefined"){out.push({path,message:issue.message});break}out.push({path,message:value===void 0?`is required (${article(issue.expected)})`:`must be ${article(issue.expected)}, got ${describe(value)}`});break;case"too_big":out.push({path,message:bound("at most",issue.maximum,issue.inclusive,issue.origin,value)});break;case"too_small":out.push({path,message:bound("at least",issue.minimum,issue.inclusive,issue.origin,value)});break;case"invalid_value":out.push({path,message:issue.values.length===1?`must be ${JSON.stringify(issue.values[0])}${path.at(-1)==="version"?` (this tool reads suite version ${SUITE_VERSION})`:""}, got ${describe(value)}`:`must be one of ${issue.values.map(v=>JSON.stringify(v)).join(", ")}, got ${describe(value)}`});break;case"invalid_union":"discriminator"in issue&&issue.discriminator==="kind"&&path.includes("faults")?out.push({path,message:`${value===void 0?"is required":`is ${describe(value)}`}: the kind of fault, one of ${FAULT_KINDS.join(", ")}`}):"discriminator"in issue&&issue.discriminator==="kind"?out.push({path,message:`${value===void 0?"is required":`is ${describe(value)}`}: the kind of workload, one of ${Object.keys(WORKLOAD_KINDS).join(", ")}`}):out.push({path,message:issue.message});break;case"invalid_format":out.push({path,message:`${issue.message.replace(/^Invalid string: /,"")}, got ${describe(value)}`});break;default:out.push({path,message:issue.message})}}return out}function bound(word,limit,inclusive,origin,value){let n=Number(limit);return origin==="array"?`must list ${word} ${n} item${n===1?"":"s"}${Array.isArray(value)?`, got ${value.length}`:""}`:origin==="string"?`must be ${word} ${n} characters long`:`must be ${inclusive===!1?word==="at most"?"less than":"more than":word} ${n}, got ${describe(value)}`}function article(expected){return{number:"a number",int:"a whole number",string:"a string",boolean:"true or false",array:"a list",object:"a mapping (key: value)"}[expected]??expected}function describe(value){return value===void 0?"nothing":value===null?"null":typeof value=="string"?`'${value.length>60?`${value.slice(0,57)}...`:value}'`:Array.isArray(value)?"a list":typeof value=="object"?"a mapping":String(value)}function allowedKeys(raw,path){if(path.length===0)return Object.keys(Suite.shape);if(path.length===2&&path[0]==="workloads"){let kind=valueAt(raw,path)?.kind,schema=typeof kind=="string"?WORKLOAD_KINDS[kind]:void 0;return schema?Object.keys(schema.shape):void 0}if(path.length===3&&path[0]==="workloads"&&path[2]==="slo")return Object.keys(ServingSlo.shape);if(path.length===4&&path[0]==="workloads"&&path[2]==="faults"){let kind=valueAt(raw,path)?.kind,schema=typeof kind=="string"?FAULT_SCHEMAS[kind]:void 0;return schema?Object.keys(schema.shape):void 0}if(path.length===5&&path[0]==="workloads"&&path[2]==="faults"){let kind=valueAt(raw,path.slice(0,4))?.kind,schema=typeof kind=="string"?FAULT_SCHEMAS[kind]:void 0;if(path[4]==="slo")return Object.keys(FaultSlo.shape);let inner=schema?.shape[path[4]],params=inner&&"unwrap"in inner?inner.unwrap():inner;return params&&"shape"in params?Object.keys(params.shape):void 0}}function suggest(key,allowed){let norm=s=>s.toLowerCase().replace(/[-_\s]/g,"");return allowed.find(a=>norm(a)===norm(key))}function valueAt(raw,path){let v=raw;for(let key of path){if(v===null||typeof v!="object")return;v=v[key]}return v}function formatPath(path){return path.length===0?"(top level)":path.map((k,i)=>typeof k=="number"?`[${k}]`:i===0?String(k):`.${String(k)}`).join("")}function dedupe(problems){let seen=new Set;return problems.filter(p=>{let key=`${formatPath(p.path)}|${p.message}`;return seen.has(key)?!1:(seen.add(key),!0)})}function isRecord(value){return value!==null&&typeof value=="object"&&!Array.isArray(value)}import{mkdir,readFile,writeFile}from"node:fs/promises";import{join,resolve}from"node:path";function s3Uri(loc){return`s3://${loc.bucket}/${loc.key}`}function joinKey(...parts){return parts.map(p=>p.replace(/^\/+|\/+$/g,"")).filter(p=>p.length>0).join("/")}async function putText(s3,loc,body,contentType="text/plain; charset=utf-8"){await s3.send(new PutObjectCommand({Bucket:loc.bucket,Key:loc.key,Body:body,ContentType:contentType}))}async function getText(s3,loc){try{return await(await s3.send(new GetObjectCommand({Bucket:loc.bucket,Key:loc.key}))).Body?.transformToString("utf8")??""}catch(error){if(awsErrorCode(error)==="NoSuchKey")return;throw error}}async function listKeys(s3,bucket,prefix){let keys=[],token;do{let page=await s3.send(new ListObjectsV2Command({Bucket:bucket,Prefix:prefix,ContinuationToken:token}));for(let o of page.Contents??[])o.Key&&keys.push(o.Key);token=page.IsTruncated?page.NextContinuationToken:void 0}while(token);return keys}var NOT_EXPORTED=new Set(["request_failure_percent","failed_requests","request_goodput"]);function exportable(metric2){let base=metric2.name.split("@")[0];return NOT_EXPORTED.has(base)?!1:metric2.trials.length>0&&metric2.trials.every(v=>Number.isFinite(v)&&v>0)}var BIGGER_IS_BETTER_FILE="benchmark-action-bigger-is-better.json",SMALLER_IS_BETTER_FILE="benchmark-action-smaller-is-better.json";function compact(value){return Number.isInteger(value)?String(value):String(Number(value.toPrecision(6)))}function benchmarkActionEntries(results){let files={biggerIsBetter:[],smallerIsBetter:[]},instanceType=results.instance?.type??"no-instance";for(let workload of results.workloads)if(workload.status==="ok")for(let metric2 of workload.metrics){let s=metric2.summary;if(!exportable(metric2)||!Number.isFinite(s.median))continue;let entry={name:`${workload.id}/${metric2.name} (${instanceType})`,unit:metric2.unit,value:s.median,extra:`${metric2.label}; median of ${s.n} trial(s), min ${compact(s.min)}, max ${compact(s.max)}; suite ${results.suite.name} ${results.suite.hash.slice(0,12)}; run ${results.run.id}`};s.n>1&&(entry.range=`\xB1 ${compact(s.iqr/2)}`),(metric2.direction==="higher"?files.biggerIsBetter:files.smallerIsBetter).push(entry)}return files}function quantileSorted(sorted,q){if(sorted.length===0)return Number.NaN;let pos=(sorted.length-1)*q,lo=Math.floor(pos),hi=Math.ceil(pos),a=sorted[lo],b=sorted[hi];return a+(b-a)*(pos-lo)}function quantile(values,q){return quantileSorted([...values].sort((a,b)=>a-b),q)}function mean(values){return values.length===0?Number.NaN:values.reduce((s,v)=>s+v,0)/values.length}function stddev(values){if(values.length<2)return 0;let m=mean(values);return Math.sqrt(values.reduce((s,v)=>s+(v-m)**2,0)/(values.length-1))}function summarize(values){let sorted=[...values.filter(Number.isFinite)].sort((a,b)=>a-b),q1=quantileSorted(sorted,.25),q3=quantileSorted(sorted,.75);return{n:sorted.length,median:quantileSorted(sorted,.5),min:sorted[0]??Number.NaN,max:sorted[sorted.length-1]??Number.NaN,q1,q3,iqr:q3-q1,mean:mean(sorted)}}var LANCZOS=[676.5203681218851,-1259.1392167224028,771.3234287776531,-176.6150291621406,12.507343278686905,-.13857109526572012,9984369578019572e-21,15056327351493116e-23];function logGamma(x){if(x<.5)return Math.log(Math.PI/Math.sin(Math.PI*x))-logGamma(1-x);let z=x-1,a=.9999999999998099;for(let i=0;i<LANCZOS.length;i++)a+=LANCZOS[i]/(z+i+1);let t=z+LANCZOS.length-.5;return .5*Math.log(2*Math.PI)+(z+.5)*Math.log(t)-t+Math.log(a)}function betaContinuedFraction(x,a,b){let c=1,d=1-(a+b)*x/(a+1);Math.abs(d)<1e-300&&(d=1e-300),d=1/d;let h=d;for(let m=1;m<=300;m++){let m2=2*m,aa=m*(b-m)*x/((a+m2-1)*(a+m2));d=1+aa*d,Math.abs(d)<1e-300&&(d=1e-300),c=1+aa/c,Math.abs(c)<1e-300&&(c=1e-300),d=1/d,h*=d*c,aa=-(a+m)*(a+b+m)*x/((a+m2)*(a+m2+1)),d=1+aa*d,Math.abs(d)<1e-300&&(d=1e-300),c=1+aa/c,Math.abs(c)<1e-300&&(c=1e-300),d=1/d;let delta=d*c;if(h*=delta,Math.abs(delta-1)<1e-15)break}return h}function incompleteBeta(x,a,b){if(x<=0)return 0;if(x>=1)return 1;let front=Math.exp(logGamma(a+b)-logGamma(a)-logGamma(b)+a*Math.log(x)+b*Math.log(1-x));return x<(a+1)/(a+b+2)?front*betaContinuedFraction(x,a,b)/a:1-front*betaContinuedFraction(1-x,b,a)/b}function studentTCdf(t,df){let tail2=.5*incompleteBeta(df/(df+t*t),df/2,.5);return t>=0?1-tail2:tail2}var quantileCache=new Map;function studentTQuantile(p,df){if(!(p>0&&p<1)||!(df>0))return Number.NaN;if(p<.5)return-studentTQuantile(1-p,df);let key=`${p}|${df}`,cached=quantileCache.get(key);if(cached!==void 0)return cached;let value;if(df===1)value=Math.tan(Math.PI*(p-.5));else if(df===2)value=(2*p-1)/Math.sqrt(2*p*(1-p));else{let lo=0,hi=1;for(;studentTCdf(hi,df)<p;)hi*=2;for(let i=0;i<200&&hi-lo>1e-12*hi;i++){let mid=(lo+hi)/2;studentTCdf(mid,df)<p?lo=mid:hi=mid}value=(lo+hi)/2}return quantileCache.set(key,value),value}var DEFAULT_CONFIDENCE=.99,DEFAULT_THRESHOLD_PERCENT=5,DEFAULT_BASELINE_RUNS=10,DETECTION_POWER=.95,MIN_RUNS_TO_DECIDE=2;function ruleDescription(options){let confidence=options.confidence??DEFAULT_CONFIDENCE;return`one-sided ${percentText(confidence*100)}% t prediction interval for a new run, from the baseline runs' medians (mean \xB1 t\xB7s\xB7\u221A(1+1/n)), and a change of at least ${percentText(options.thresholdPercent)}%; at least ${MIN_RUNS_TO_DECIDE} baseline runs are needed to estimate the run-to-run noise`}function percentText(value){return Number.isInteger(value)?String(value):value.toFixed(2).replace(/0+$/,"")}function roundTo(value,digits){return value.toFixed(digits)}function decideMetric(baseline,current,direction,options){let values=baseline.filter(Number.isFinite),n=values.length,floor=Math.max(0,options.thresholdPercent),confidence=options.confidence??DEFAULT_CONFIDENCE;if(!Number.isFinite(current))return{decision:"no-baseline",runs:n,reason:"no value in this run"};if(n===0)return{decision:"no-baseline",runs:0,reason:"first run: baseline recorded"};let m=mean(values),delta=m!==0?(current-m)/Math.abs(m)*100:void 0;if(n<MIN_RUNS_TO_DECIDE)return{decision:"too-few-runs",runs:n,baselineMean:m,deltaPercent:delta,reason:`${n} baseline run cannot estimate run-to-run noise; not judged (needs ${MIN_RUNS_TO_DECIDE})`};let s=stddev(values),predictionSd=s*Math.sqrt(1+1/n),bandAbs=studentTQuantile(confidence,n-1)*predictionSd,worseAbs=direction==="higher"?m-current:current-m;if(delta===void 0)return{decision:worseAbs>bandAbs?"regression":-worseAbs>bandAbs?"improvement":"no-change",runs:n,baselineMean:m,baselineStddev:s,reason:`baseline mean is 0; decided by the band alone (\xB1${bandAbs.toPrecision(3)})`};let scale=Math.abs(m),band=bandAbs/scale*100,limit=Math.max(band,floor),worse=worseAbs/scale*100,mdc=limit+studentTQuantile(DETECTION_POWER,n-1)*(predictionSd/scale)*100,base={runs:n,baselineMean:m,baselineStddev:s,deltaPercent:delta,bandPercent:band,limitPercent:limit,mdcPercent:mdc},bound2=band>=floor?`the ${percentText(confidence*100)}% band (\xB1${roundTo(band,1)}%)`:`the ${percentText(floor)}% floor (band \xB1${roundTo(band,1)}%)`;return worse>limit?{...base,decision:"regression",reason:`worse by ${roundTo(worse,1)}%, beyond ${bound2} of ${n} runs`}:-worse>limit?{...base,decision:"improvement",reason:`better by ${roundTo(-worse,1)}%, beyond ${bound2} of ${n} runs`}:{...base,decision:"no-change",reason:`within ${bound2} of ${n} runs`}}var DEFAULT_BASELINE_OPTIONS={runs:DEFAULT_BASELINE_RUNS,thresholdPercent:DEFAULT_THRESHOLD_PERCENT};function stableJson(value){if(Array.isArray(value))return`[${value.map(stableJson).join(",")}]`;if(value!==null&&typeof value=="object"){let obj=value;return`{${Object.keys(obj).sort().map(k=>`${JSON.stringify(k)}:${stableJson(obj[k])}`).join(",")}}`}return JSON.stringify(value)}function headlineMetrics(workload){let flagged=workload.metrics.filter(m=>m.headline);return flagged.length>0?flagged:workload.metrics.slice(0,1)}function plural(n,word){return`${n} ${word}${n===1?"":"s"}`}function eligibleRuns(results,history){let type=results.instance?.type,otherHash=0,unsuccessful=0,runs=[];for(let e of history)e.runId===results.run.id&&e.attempt===results.run.attempt||e.instanceType===type&&(e.suite.hash!==results.suite.hash?otherHash++:e.outcome!=="succeeded"?unsuccessful++:runs.push(e));let notes=[];return otherHash>0&&notes.push(`${plural(otherHash,"earlier run")} of a different suite hash (other workloads, trials or overrides) left out`),unsuccessful>0&&notes.push(`${plural(unsuccessful,"earlier run")} that did not succeed left out`),runs.sort((a,b)=>b.startedAt.localeCompare(a.startedAt)),{runs,notes}}function compareWithBaseline(results,history,source,options=DEFAULT_BASELINE_OPTIONS){let rule=ruleDescription(options),{runs,notes}=eligibleRuns(results,history),used=new Map,metrics=[],otherParameters=0,invalidEarlier=0;for(let workload of results.workloads){if(workload.status!=="ok")continue;let params=stableJson(workload.parameters),matching=[];for(let entry of runs){let w=entry.workloads.find(x=>x.id===workload.id&&x.status==="ok");if(w){if(w.valid===!1){invalidEarlier++;continue}if(stableJson(w.parameters)!==params){otherParameters++;continue}if(matching.push({entry,metrics:new Map(w.metrics.map(m=>[m.name,{value:m.value,direction:m.direction}]))}),matching.length>=options.runs)break}}let headline=new Set(headlineMetrics(workload).map(m=>m.name)),invalid=invalidDecision(workload);for(let metric2 of workload.metrics){let values=[],history2=[];for(let{entry,metrics:ms}of matching){let m=ms.get(metric2.name);m&&m.direction===metric2.direction&&Number.isFinite(m.value)&&(values.push(m.value),history2.push({run:entry.runNumber!==void 0?`#${entry.runNumber}`:entry.runId,startedAt:entry.startedAt,value:m.value}),used.set(entry.folder,entry))}history2.sort((a,b)=>a.startedAt.localeCompare(b.startedAt)),metrics.push({workload:workload.id,metric:metric2.name,label:metric2.label,unit:metric2.unit,direction:metric2.direction,headline:headline.has(metric2.name),current:metric2.summary.median,trials:metric2.summary.n,decision:invalid??decideMetric(values,metric2.summary.median,metric2.direction,options),history:history2})}}otherParameters>0&&notes.push(`${plural(otherParameters,"earlier workload result")} with different parameters left out`),invalidEarlier>0&&notes.push(`${plural(invalidEarlier,"earlier workload result")} that GPU telemetry marked invalid left out`);let baselineRuns=[...used.values()].sort((a,b)=>b.startedAt.localeCompare(a.startedAt)).map(e=>({runId:e.runId,attempt:e.attempt,runNumber:e.runNumber,startedAt:e.startedAt,sha:e.sha,folder:e.folder}));return{source,rule,options,metrics,baselineRuns,notes}}function invalidDecision(workload){if(!(!workload.telemetry||workload.telemetry.valid))return{decision:"invalid",runs:0,reason:`not judged, GPU telemetry marks it invalid: ${workload.telemetry.validity.join("; ")}`}}function regressions(comparison,headlineOnly=!1){return comparison.metrics.filter(m=>m.decision.decision==="regression"&&(!headlineOnly||m.headline))}var ON_DEMAND_PRICE_TABLE={source:"AWS EC2 On-Demand pricing page, US East (N. Virginia), Linux",asOf:"2025-06",region:"us-east-1",perHourUsd:{"g4dn.xlarge":.526,"g4dn.2xlarge":.752,"g4dn.4xlarge":1.204,"g4dn.8xlarge":2.176,"g4dn.12xlarge":3.912,"g4dn.16xlarge":4.352,"g5.xlarge":1.006,"g5.2xlarge":1.212,"g5.4xlarge":1.624,"g5.8xlarge":2.448,"g5.12xlarge":5.672,"g5.16xlarge":4.096,"g5.24xlarge":8.144,"g5.48xlarge":16.288,"g6.xlarge":.8048,"g6.2xlarge":.9776,"g6.4xlarge":1.3232,"g6.8xlarge":2.0144,"g6.12xlarge":4.6016,"g6.16xlarge":3.3968,"g6.24xlarge":6.6752,"g6.48xlarge":13.3504,"g6e.xlarge":1.861,"g6e.2xlarge":2.24208,"g6e.4xlarge":3.00424,"g6e.8xlarge":4.52856,"g6e.12xlarge":10.49264,"g6e.16xlarge":7.57719,"g6e.24xlarge":15.06559,"g6e.48xlarge":30.13118,"p3.2xlarge":3.06,"p3.8xlarge":12.24,"p3.16xlarge":24.48}},MINIMUM_BILLED_SECONDS=60;function describePrice(price){let when=[price.fetchedAt&&`read ${price.fetchedAt}`,price.effectiveAt&&`effective ${price.effectiveAt}`].filter(Boolean).join(", ");return`${price.detail}${when?`; ${when}`:""}`}function estimateCost(results,nowMs){let instance=results.instance;if(!instance)return{running:!1,budget:results.budget,notes:["no instance was launched: nothing to pay"]};let start=Date.parse(instance.launchedAt),end=instance.terminatedAt?Date.parse(instance.terminatedAt):nowMs,seconds2=Math.max(0,Math.round((end-start)/1e3)),billedSeconds=Math.max(MINIMUM_BILLED_SECONDS,seconds2),notes=[],price=instance.pricePerHourUsd,priceSource;return price!==void 0?(priceSource=instance.price?describePrice(instance.price):`the price the run recorded for ${instance.market} ${instance.type} in ${instance.region}`,instance.price?.source==="dated-table"&&notes.push("the price is the built-in dated table's, not a current AWS price")):(price=ON_DEMAND_PRICE_TABLE.perHourUsd[instance.type],price!==void 0?(priceSource=`${ON_DEMAND_PRICE_TABLE.source}, as of ${ON_DEMAND_PRICE_TABLE.asOf}`,instance.region!==ON_DEMAND_PRICE_TABLE.region&&notes.push(`list price for ${ON_DEMAND_PRICE_TABLE.region}; ${instance.region} may differ`),instance.market==="spot"&&notes.push("spot instance: the spot price is usually well below this on-demand price, so this is an upper bound")):notes.push(`no price known for ${instance.type}: the table has none and the run recorded none`)),instance.terminatedAt||notes.push("measured until the evidence was written; termination follows, so the final bill is slightly higher"),notes.push("EBS volume, data transfer and S3 are not included"),{instanceType:instance.type,market:instance.market,seconds:seconds2,running:!instance.terminatedAt,billedSeconds,pricePerHourUsd:price,priceSource,onDemandPerHourUsd:instance.market==="spot"?instance.onDemandPrice?.perHourUsd:void 0,usd:price!==void 0?billedSeconds/3600*price:void 0,budget:results.budget,notes}}function formatNumber(value){if(value===void 0||!Number.isFinite(value))return"\u2014";let abs=Math.abs(value),digits=abs>=1e3?0:abs>=100?1:abs>=1||abs===0?2:Math.min(6,2-Math.floor(Math.log10(abs))),[int="",frac]=value.toFixed(digits).split("."),grouped=int.replace(/\B(?=(\d{3})+(?!\d))/g,",");return frac!==void 0?`${grouped}.${frac}`:grouped}function compactNumber(value){return value===void 0||!Number.isFinite(value)?"\u2014":String(Number(value.toPrecision(6)))}function signedPercent(value,digits=1){if(value===void 0||!Number.isFinite(value))return"n/a";let fixed=value.toFixed(digits);return/^-0\.?0*$/.test(fixed)?`+${fixed.slice(1)}%`:fixed.startsWith("-")?`${fixed}%`:`+${fixed}%`}function percent(value,digits=1){return value===void 0||!Number.isFinite(value)?"n/a":`${value.toFixed(digits)}%`}function formatDuration(seconds2){if(seconds2===void 0||!Number.isFinite(seconds2)||seconds2<0)return"\u2014";if(seconds2<1)return`${Math.round(seconds2*1e3)} ms`;if(seconds2<60)return`${seconds2.toFixed(1)} s`;let total=Math.round(seconds2);return total<3600?`${Math.floor(total/60)}m ${String(total%60).padStart(2,"0")}s`:`${Math.floor(total/3600)}h ${String(Math.floor(total%3600/60)).padStart(2,"0")}m`}function formatTime(iso){if(!iso)return"\u2014";let ms=Date.parse(iso);return Number.isFinite(ms)?new Date(ms).toISOString().replace("T"," ").replace(/\.\d{3}Z$/,"Z"):iso}function secondsBetween(startIso,endIso){let d=(Date.parse(endIso)-Date.parse(startIso))/1e3;return Number.isFinite(d)?d:void 0}function cell(text){return text===void 0||text===""?"\u2014":String(text).replace(/\s*[\r\n]+\s*/g," ").trim().replace(/[\\`*_[\]~]|^[#+-]/g,"\\$&").replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/\|/g,"\\|").replace(/:\/\//g,"\\://").replace(/\b(www)\./gi,"$1\\.")}function code(text){let clean=text.replace(/[\r\n]+/g," "),longest=Math.max(0,...(clean.match(/`+/g)??[]).map(r=>r.length)),ticks="`".repeat(longest+1),pad=clean.startsWith("`")||clean.endsWith("`")?" ":"";return`${ticks}${pad}${clean.replace(/\|/g,"\\|")}${pad}${ticks}`}function fenced(text,info="text"){let longest=Math.max(2,...(text.match(/`+/g)??[]).map(r=>r.length)),fence2="`".repeat(longest+1);return`${fence2}${info}
${text.replace(/\n+$/,"")}
${fence2}`}function table(header,rows){let lines=[`| ${header.join(" | ")} |`,`|${header.map(()=>"---").join("|")}|`];for(let row of rows)lines.push(`| ${row.join(" | ")} |`);return lines.join(`
`)}function byteLength(text){return Buffer.byteLength(text,"utf8")}function headBytes(text,maxBytes){let buf=Buffer.from(text,"utf8");return buf.length<=maxBytes?text:buf.subarray(0,Math.max(0,maxBytes)).toString("utf8").replace(/\uFFFD+$/,"")}function tailBytes(text,maxBytes){let buf=Buffer.from(text,"utf8");return buf.length<=maxBytes?text:buf.subarray(buf.length-Math.max(0,maxBytes)).toString("utf8").replace(/^\uFFFD+/,"")}var FaultStatus=external_exports.enum(["ok","slo-missed","not-injected","not-recovered","error"]),WindowMetrics=external_exports.object({seconds:external_exports.number().nonnegative(),throughput:external_exports.number().nonnegative().optional(),throughputUnit:external_exports.enum(["req/s","images/s"]).optional(),p99TtftMs:external_exports.number().nonnegative().optional(),requests:external_exports.number().int().nonnegative().optional(),failed:external_exports.number().int().nonnegative().optional(),errorRate:external_exports.number().min(0).max(1).optional()}),PodRecovery=external_exports.object({controlPlaneSeconds:external_exports.number().optional(),nodeReadySeconds:external_exports.number().optional(),gpuAllocatableSeconds:external_exports.number().optional(),agentOnlineSeconds:external_exports.number().optional(),podReschedulingSeconds:external_exports.number().optional(),podReadinessSeconds:external_exports.number().optional(),containerStartSeconds:external_exports.number().optional(),totalRecoverySeconds:external_exports.number().optional(),oldPod:external_exports.string().optional(),newPod:external_exports.string().optional(),restartCount:external_exports.number().int().optional()}),TimelinePoint=external_exports.object({t:external_exports.number().int(),ok:external_exports.number().nonnegative(),failed:external_exports.number().int().nonnegative()}),FaultResult=external_exports.object({id:external_exports.string(),kind:external_exports.string(),workload:external_exports.string(),target:external_exports.string().optional(),injected:external_exports.boolean(),verified:external_exports.boolean(),recovered:external_exports.boolean(),injectedAt:external_exports.iso.datetime().optional(),window:external_exports.object({start:external_exports.iso.datetime(),end:external_exports.iso.datetime()}).optional(),faultSeconds:external_exports.number().optional(),timeToDetectSeconds:external_exports.number().optional(),timeToFirstSuccessSeconds:external_exports.number().optional(),recoverySeconds:external_exports.number().optional(),errorRate:external_exports.number().min(0).max(1).optional(),stepsLost:external_exports.number().optional(),baseline:WindowMetrics.optional(),during:WindowMetrics.optional(),after:WindowMetrics.optional(),pods:PodRecovery.optional(),slo:external_exports.object({maxRecoverySeconds:external_exports.number(),maxErrorRate:external_exports.number(),band:external_exports.number()}),sloMet:external_exports.boolean(),weight:external_exports.number().positive().default(1),sloShare:external_exports.number().min(0).max(1).default(0),status:FaultStatus,message:external_exports.string().optional(),timeline:external_exports.array(TimelinePoint).default([])});function faultMissedSlo(fault){return fault.status!=="ok"}function resilienceScore(faults2){let total=faults2.reduce((sum,f)=>sum+f.weight,0);if(!(faults2.length===0||total===0))return 100*faults2.reduce((sum,f)=>sum+f.weight*f.sloShare,0)/total}var TelemetrySource=external_exports.enum(["dcgm","nvidia-smi"]),Telemetry=external_exports.object({source:TelemetrySource,samples:external_exports.number().int().nonnegative(),intervalSeconds:external_exports.number().positive(),powerWatts:external_exports.object({mean:external_exports.number(),max:external_exports.number()}),energyJoules:external_exports.number().nonnegative(),smClockMHz:external_exports.object({median:external_exports.number(),max:external_exports.number()}),gpuUtilPercent:external_exports.object({mean:external_exports.number()}),memoryUsedMiB:external_exports.object({max:external_exports.number()}),temperatureC:external_exports.object({max:external_exports.number()}),throttleReasons:external_exports.record(external_exports.string(),external_exports.number()),foreignProcesses:external_exports.number().int().nonnegative(),valid:external_exports.boolean(),validity:external_exports.array(external_exports.string())}),TelemetryWindow=external_exports.object({label:external_exports.string(),trial:external_exports.number().int().positive(),start:external_exports.number(),end:external_exports.number(),energyJoules:external_exports.number().nonnegative()}),TelemetryDetail=external_exports.object({timeline:external_exports.array(external_exports.object({t:external_exports.number(),powerWatts:external_exports.number(),smClockMHz:external_exports.number(),inWindow:external_exports.boolean()})),windows:external_exports.array(TelemetryWindow),gpus:external_exports.array(external_exports.number().int().nonnegative()),maxSmClockMHz:external_exports.number().optional(),powerCapWatts:external_exports.number().optional(),explanations:external_exports.array(external_exports.string()).default([]),samplesUri:external_exports.string().optional()});var RESULTS_SCHEMA_VERSION=1,Direction=external_exports.enum(["higher","lower"]),Summary=external_exports.object({n:external_exports.number().int().nonnegative(),median:external_exports.number(),min:external_exports.number(),max:external_exports.number(),q1:external_exports.number(),q3:external_exports.number(),iqr:external_exports.number(),mean:external_exports.number()}),Metric=external_exports.object({name:external_exports.string().min(1),label:external_exports.string().min(1),unit:external_exports.string(),direction:Direction,headline:external_exports.boolean().default(!1),requestRate:external_exports.union([external_exports.number().positive(),external_exports.literal("max")]).optional(),trials:external_exports.array(external_exports.number()),summary:Summary}),ParameterValue=external_exports.union([external_exports.string(),external_exports.number(),external_exports.boolean()]),WorkloadStatus=external_exports.enum(["ok","failed","oom","skipped"]),WorkloadResult=external_exports.object({id:external_exports.string().min(1),kind:external_exports.enum(["resnet50","llm-serving"]),parameters:external_exports.record(external_exports.string(),ParameterValue),status:WorkloadStatus,message:external_exports.string().optional(),metrics:external_exports.array(Metric),trials:external_exports.array(external_exports.record(external_exports.string(),external_exports.unknown())),startedAt:external_exports.iso.datetime(),endedAt:external_exports.iso.datetime(),telemetry:Telemetry.optional(),telemetryDetail:TelemetryDetail.optional()}),PhaseStatus=external_exports.enum(["ok","failed","skipped","cancelled"]),Phase=external_exports.object({name:external_exports.string(),startedAt:external_exports.iso.datetime(),endedAt:external_exports.iso.datetime(),status:PhaseStatus,detail:external_exports.string().optional()}),Gpu=external_exports.object({index:external_exports.number().int().nonnegative(),name:external_exports.string(),uuid:external_exports.string().optional(),memoryMiB:external_exports.number().optional(),eccMode:external_exports.string().optional(),powerLimitW:external_exports.number().optional(),smClockMHz:external_exports.number().optional(),memClockMHz:external_exports.number().optional(),maxSmClockMHz:external_exports.number().optional(),computeCapability:external_exports.string().optional()}),Inventory=external_exports.object({kernel:external_exports.string().optional(),os:external_exports.string().optional(),k3sVersion:external_exports.string().optional(),driverVersion:external_exports.string().optional(),cudaVersion:external_exports.string().optional(),gpus:external_exports.array(Gpu).default([]),warnings:external_exports.array(external_exports.string()).default([]),driverNote:external_exports.string().optional(),images:external_exports.array(external_exports.object({ref:external_exports.string(),digest:external_exports.string().optional()})).default([])}),Outcome=external_exports.object({status:external_exports.enum(["succeeded","failed","cancelled"]),failedPhase:external_exports.string().optional(),message:external_exports.string().optional()}),VerdictKind=external_exports.enum(["pass","regression","fault-slo-missed","first-run","failed"]),HeadlineMetric=external_exports.object({workload:external_exports.string(),metric:external_exports.string(),label:external_exports.string(),value:external_exports.number().nullable(),unit:external_exports.string(),direction:Direction,changePercent:external_exports.number().nullable(),decision:external_exports.string()}),Assessment=external_exports.object({verdict:VerdictKind,reason:external_exports.string(),baseline:external_exports.string(),headline:external_exports.array(HeadlineMetric)}),PriceSource=external_exports.enum(["aws-price-list-api","ec2-spot-price-history","dated-table"]),Price=external_exports.object({market:external_exports.enum(["on-demand","spot"]),perHourUsd:external_exports.number().nonnegative(),source:PriceSource,detail:external_exports.string(),fetchedAt:external_exports.iso.datetime().optional(),effectiveAt:external_exports.string().optional()}),Budget=external_exports.object({maxCostUsd:external_exports.number().positive(),worstCaseUsd:external_exports.number().nonnegative().optional(),reachedAt:external_exports.iso.datetime().optional(),stoppedRun:external_exports.boolean().default(!1)}),Results=external_exports.object({schemaVersion:external_exports.literal(RESULTS_SCHEMA_VERSION),tool:external_exports.object({name:external_exports.string(),version:external_exports.string()}),run:external_exports.object({id:external_exports.string(),attempt:external_exports.number().int().positive(),number:external_exports.number().int().nonnegative().optional(),job:external_exports.string().optional(),repository:external_exports.string().optional(),sha:external_exports.string().optional(),ref:external_exports.string().optional(),workflow:external_exports.string().optional(),event:external_exports.string().optional(),actor:external_exports.string().optional(),url:external_exports.string().optional(),startedAt:external_exports.iso.datetime(),endedAt:external_exports.iso.datetime().optional()}),suite:external_exports.object({name:external_exports.string(),hash:external_exports.string()}),instance:external_exports.object({id:external_exports.string(),type:external_exports.string(),availabilityZone:external_exports.string(),region:external_exports.string(),market:external_exports.enum(["on-demand","spot"]),amiId:external_exports.string(),amiName:external_exports.string().optional(),launchedAt:external_exports.iso.datetime(),terminatedAt:external_exports.iso.datetime().optional(),pricePerHourUsd:external_exports.number().optional(),price:Price.optional(),onDemandPrice:Price.optional(),deadManSwitch:external_exports.object({armed:external_exports.boolean(),via:external_exports.enum(["shutdown","systemd-run"]).optional(),firesAt:external_exports.iso.datetime().optional(),persistent:external_exports.boolean().optional(),armedByUserData:external_exports.boolean().optional(),fired:external_exports.boolean(),firedAt:external_exports.iso.datetime().optional()}).optional()}).optional(),budget:Budget.optional(),inventory:Inventory.optional(),phases:external_exports.array(Phase),workloads:external_exports.array(WorkloadResult),faults:external_exports.array(FaultResult).default([]),outcome:Outcome,locations:external_exports.object({rawPrefix:external_exports.string().optional(),diagnostics:external_exports.string().optional(),evidence:external_exports.string().optional(),results:external_exports.string().optional()}).default({}),diagnosticsTail:external_exports.string().optional(),assessment:Assessment.optional()});var HISTORY_INDEX_KIND="ephemeral-gpu-bench/history-index",INDEX_FILE="index.json",RESULTS_FILE="results.json",RUN_FOLDER=/^\d{8}T\d{6}Z-[A-Za-z0-9._-]+$/,MAX_FOLDERS_RECOVERED=50,HistoryMetric=external_exports.object({name:external_exports.string().min(1),direction:Direction,unit:external_exports.string(),headline:external_exports.boolean().default(!1),value:external_exports.number(),trials:external_exports.number().int().nonnegative()}),HistoryWorkload=external_exports.object({id:external_exports.string().min(1),parameters:external_exports.record(external_exports.string(),ParameterValue),status:WorkloadStatus,valid:external_exports.boolean().optional(),metrics:external_exports.array(HistoryMetric)}),HistoryEntry=external_exports.object({runId:external_exports.string().min(1),attempt:external_exports.number().int().positive(),runNumber:external_exports.number().int().nonnegative().optional(),startedAt:external_exports.iso.datetime(),sha:external_exports.string().optional(),suite:external_exports.object({name:external_exports.string(),hash:external_exports.string()}),instanceType:external_exports.string().min(1),gpu:external_exports.string().optional(),outcome:Outcome.shape.status,folder:external_exports.string(),workloads:external_exports.array(HistoryWorkload)}),HistoryIndex=external_exports.object({kind:external_exports.literal(HISTORY_INDEX_KIND),schemaVersion:external_exports.literal(1),updatedAt:external_exports.iso.datetime().optional(),entries:external_exports.array(external_exports.unknown())}),NO_INSTANCE="no-instance";function pathSegment(value){let cleaned=value.replace(/[^A-Za-z0-9._-]+/g,"-").replace(/^[.-]+|-+$/g,"");return cleaned.length>0?cleaned.slice(0,100):"unnamed"}function seriesKey(prefix,suiteName,instanceType){return joinKey(prefix,pathSegment(suiteName),pathSegment(instanceType))}function folderTimestamp(iso){return new Date(iso).toISOString().replace(/[-:]/g,"").replace(/\.\d{3}/,"")}function runFolderName(results){return`${folderTimestamp(results.run.startedAt)}-${pathSegment(results.run.id)}`}function entryFromResults(results,folder){return{runId:results.run.id,attempt:results.run.attempt,runNumber:results.run.number,startedAt:results.run.startedAt,sha:results.run.sha,suite:{name:results.suite.name,hash:results.suite.hash},instanceType:results.instance?.type??NO_INSTANCE,gpu:results.inventory?.gpus[0]?.name,outcome:results.outcome.status,folder,workloads:results.workloads.map(w=>({id:w.id,parameters:w.parameters,status:w.status,...w.telemetry?{valid:w.telemetry.valid}:{},metrics:w.metrics.filter(m=>Number.isFinite(m.summary.median)).map(m=>({name:m.name,direction:m.direction,unit:m.unit,headline:m.headline,value:m.summary.median,trials:m.summary.n}))}))}}function issueText(error){let first=error.issues[0];return first?`${first.path.length>0?`${first.path.join(".")}: `:""}${first.message}`:"invalid"}function parseJson(text){try{return{ok:!0,value:JSON.parse(text)}}catch(error){return{ok:!1,error:`not JSON (${error instanceof Error?error.message.split(`
`)[0]:String(error)})`}}}function parseIndex(text,where){let json=parseJson(text);if(!json.ok)return{entries:[],skipped:[`${where}: ${json.error}; ignored, the run folders are read instead`]};let index=HistoryIndex.safeParse(json.value);if(!index.success)return{entries:[],skipped:[`${where}: not a history index of this tool (${issueText(index.error)}); ignored`]};let entries=[],skipped=[];return index.data.entries.forEach((raw,i)=>{let entry=HistoryEntry.safeParse(raw);entry.success?entries.push(entry.data):skipped.push(`${where}: entry ${i} skipped (${issueText(entry.error)})`)}),{entries,skipped}}function parseResultsText(text){let json=parseJson(text);if(!json.ok)return{error:json.error};let parsed=Results.safeParse(json.value);return parsed.success?{results:parsed.data}:{error:`not a results.json this version reads (${issueText(parsed.error)})`}}function serializeIndex(entries,updatedAt){let sorted=[...entries].sort((a,b)=>a.startedAt.localeCompare(b.startedAt)||a.folder.localeCompare(b.folder));return`${JSON.stringify({kind:HISTORY_INDEX_KIND,schemaVersion:1,updatedAt,entries:sorted},null,1)}
`}async function readHistory(store,series){let keys=await listKeys(store.s3,store.bucket,`${series}/`),indexKey=`${series}/${INDEX_FILE}`,skipped=[],entries=[];if(keys.includes(indexKey)){let text=await getText(store.s3,{bucket:store.bucket,key:indexKey});if(text!==void 0){let read=parseIndex(text,s3Uri({bucket:store.bucket,key:indexKey}));entries.push(...read.entries),skipped.push(...read.skipped)}}let foreign=[],folders=new Set;for(let key of keys){if(key===indexKey)continue;let parts=key.slice(series.length+1).split("/");parts.length>=2&&RUN_FOLDER.test(parts[0])?parts.length===2&&parts[1]===RESULTS_FILE&&folders.add(`${series}/${parts[0]}`):foreign.push(key)}if(foreign.length>0){let shown=foreign.slice(0,5).map(k=>s3Uri({bucket:store.bucket,key:k}));skipped.push(`${foreign.length} object(s) that are not run folders of this tool skipped: ${shown.join(", ")}${foreign.length>5?", \u2026":""}`)}let indexed=new Set(entries.map(e=>e.folder)),missing=[...folders].filter(f=>!indexed.has(f)).sort().reverse().slice(0,MAX_FOLDERS_RECOVERED);for(let folder of missing){let loc={bucket:store.bucket,key:`${folder}/${RESULTS_FILE}`},text=await getText(store.s3,loc);if(text===void 0)continue;let parsed=parseResultsText(text);"error"in parsed?skipped.push(`${s3Uri(loc)} skipped: ${parsed.error}`):entries.push(entryFromResults(parsed.results,folder))}return{entries:dedupe2(entries),skipped}}function dedupe2(entries){let byFolder=new Map;for(let e of entries)byFolder.set(e.folder,e);return[...byFolder.values()].sort((a,b)=>a.startedAt.localeCompare(b.startedAt))}async function claimRunFolder(store,series,results){let base=`${series}/${runFolderName(results)}`;for(let i=1;i<=100;i++){let folder=i===1?base:`${base}-${i}`;if((await listKeys(store.s3,store.bucket,`${folder}/`)).length===0)return folder}throw new Error(`Could not find a free run folder under ${s3Uri({bucket:store.bucket,key:base})}: 100 folders with this run's name exist.`)}async function archiveRun(store,series,folder,entry,files,nowIso){let uris={};for(let file of files){let loc={bucket:store.bucket,key:`${folder}/${file.name}`};await putText(store.s3,loc,file.body,file.contentType),uris[file.name]=s3Uri(loc)}let current=await readHistory(store,series),others=current.entries.filter(e=>e.folder!==folder),indexLoc={bucket:store.bucket,key:`${series}/${INDEX_FILE}`};return await putText(store.s3,indexLoc,serializeIndex([...others,entry],nowIso),"application/json"),{folder,uris,indexUri:s3Uri(indexLoc),skipped:current.skipped}}function parseBaselineFile(text,source){let json=parseJson(text);if(!json.ok)return{entries:[],skipped:[`${source}: ${json.error}`]};let value=json.value;if(typeof value=="object"&&value!==null&&!Array.isArray(value)&&value.kind===HISTORY_INDEX_KIND)return parseIndex(text,source);let items=Array.isArray(value)?value:[value],entries=[],skipped=[];return items.forEach((item,i)=>{let where=Array.isArray(value)?`${source}[${i}]`:source,asResults=Results.safeParse(item);if(asResults.success){entries.push(entryFromResults(asResults.data,where));return}let asEntry=HistoryEntry.safeParse(item);asEntry.success?entries.push(asEntry.data):skipped.push(`${where}: not a results.json or history entry (${issueText(asResults.error)})`)}),{entries,skipped}}function label(text){let cleaned=text.replace(/[:;#"`\r\n[\]{}<>]/g," ").replace(/\s+/g," ").trim();return cleaned.length>0?cleaned.slice(0,60):"unnamed"}function ganttTime(iso){return new Date(iso).toISOString().slice(0,19).replace("T"," ")}function phaseGantt(phases,title="Phases (UTC)"){let valid=phases.filter(p=>Number.isFinite(Date.parse(p.startedAt))&&Number.isFinite(Date.parse(p.endedAt)));if(valid.length===0)return;let lines=["gantt",`  title ${label(title)}`,"  dateFormat YYYY-MM-DD HH:mm:ss","  axisFormat %H:%M","  section Run"];return valid.forEach((p,i)=>{let zeroLength=Date.parse(p.endedAt)<=Date.parse(p.startedAt),tags=[zeroLength?"milestone":void 0,p.status==="failed"?"crit":p.status==="ok"?"done":void 0].filter(Boolean),end=zeroLength?"0s":ganttTime(p.endedAt);lines.push(`  ${label(p.name)} :${[...tags,`p${i}`,ganttTime(p.startedAt),end].join(", ")}`)}),fence(lines.join(`
`))}var PALETTE=[{hex:"#3B82F6",name:"blue"},{hex:"#F97316",name:"orange"},{hex:"#10B981",name:"green"},{hex:"#EF4444",name:"red"},{hex:"#A855F7",name:"purple"}],AXIS_GREY="#8B949E",SPAN_GREY="#8B949E55";function xyInit(colors,layout={}){let config={theme:"base",themeVariables:{xyChart:{backgroundColor:"transparent",titleColor:AXIS_GREY,xAxisLabelColor:AXIS_GREY,xAxisTitleColor:AXIS_GREY,xAxisTickColor:AXIS_GREY,xAxisLineColor:AXIS_GREY,yAxisLabelColor:AXIS_GREY,yAxisTitleColor:AXIS_GREY,yAxisTickColor:AXIS_GREY,yAxisLineColor:AXIS_GREY,plotColorPalette:colors.join(", ")}}};return(layout.width!==void 0||layout.xLabelFontSize!==void 0)&&(config.xyChart={...layout.width!==void 0?{width:layout.width}:{},...layout.xLabelFontSize!==void 0?{xAxis:{labelFontSize:layout.xLabelFontSize}}:{}}),`%%{init: ${JSON.stringify(config)}}%%`}function paletteHex(name){return PALETTE.find(c=>c.name===name).hex}function lineChart(title,xLabel,x,yLabel,series){let used=series.filter(s=>s.values.length===x.length&&s.values.some(v=>v!==void 0)).slice(0,PALETTE.length);if(used.length===0)return;let keep=x.map((_,i)=>used.every(s=>s.values[i]!==void 0&&Number.isFinite(s.values[i]))),xs=x.filter((_,i)=>keep[i]);if(xs.length<2)return;let categories=xs.map(v=>`"${label(String(v))}"`).join(", "),fixed=new Set(used.map(s=>s.color).filter(Boolean)),free=PALETTE.filter(c=>!fixed.has(c.name)),next=0,colors=used.map(s=>PALETTE.find(c=>c.name===s.color)??free[next++%free.length]),order=used.map((_,i)=>i).sort((a,b)=>+(used[b].color!==void 0)-+(used[a].color!==void 0)),lines=[xyInit(order.map(i=>colors[i].hex)),"xychart-beta",`  title "${label(title)}"`,`  x-axis "${label(xLabel)}" [${categories}]`,`  y-axis "${label(yLabel)}"`];for(let i of order){let values=used[i].values.filter((_,k)=>keep[k]);lines.push(`  line [${values.map(v=>Number(v.toPrecision(6))).join(", ")}]`)}return{chart:fence(lines.join(`
`)),legend:`Lines: ${used.map((s,i)=>`${colors[i].name} ${s.name}`).join(" \xB7 ")}`}}function fence(body){return`\`\`\`mermaid
${body}
\`\`\``}var MAX_REASON=300;function oneLine(text){let line=text.replace(/\s+/g," ").trim();return line.length>MAX_REASON?`${line.slice(0,MAX_REASON-1)}\u2026`:line}function describeFault(fault){let recovery=fault.recoverySeconds!==void 0?`recovered in ${fault.recoverySeconds}s`:"no recovery",detail=fault.status==="slo-missed"?`${recovery} (SLO ${fault.slo.maxRecoverySeconds}s)${fault.errorRate!==void 0?`, error rate ${(fault.errorRate*100).toFixed(1)}% (SLO ${(fault.slo.maxErrorRate*100).toFixed(1)}%)`:""}`:`${fault.status}${fault.message?` (${fault.message})`:""}`;return`${fault.id} ${detail}`}function describeRegression(m){return`${m.label} of ${m.workload} ${signedPercent(m.decision.deltaPercent)}`}function decideVerdict(results,comparison){let verdict=decideOnJudged(results,comparison),invalid=results.workloads.filter(w=>w.telemetry&&!w.telemetry.valid);if(invalid.length===0||verdict.kind==="failed")return verdict;let list=invalid.map(w=>`${w.id} (${w.telemetry.validity.join("; ")})`).join("; ");return{kind:verdict.kind,reason:oneLine(`${invalid.length} result${invalid.length===1?"":"s"} invalid, not judged and not kept as baseline: ${list}; ${verdict.reason}`)}}function decideOnJudged(results,comparison){let{outcome}=results;if(outcome.status!=="succeeded"){let where=outcome.failedPhase?`${outcome.failedPhase} `:"",what=outcome.status==="cancelled"?"cancelled":"failed",subject=outcome.failedPhase?.replace(/^workload /,""),message=subject&&outcome.message?.startsWith(`${subject}: `)?outcome.message.slice(subject.length+2):outcome.message;return{kind:"failed",reason:oneLine(`${where}${what}${message?`: ${message}`:""}`)}}let broken=results.workloads.filter(w=>w.status==="failed"||w.status==="oom");if(broken.length>0){let first=broken[0],more=broken.length>1?` (and ${broken.length-1} more)`:"";return{kind:"failed",reason:oneLine(`workload ${first.id} ${first.status==="oom"?"ran out of memory":"failed"}${first.message?`: ${first.message}`:""}${more}`)}}let regressed=regressions(comparison,!0),missed=results.faults.filter(faultMissedSlo);if(regressed.length>0){let list=regressed.map(describeRegression).join("; "),also=missed.length>0?`; also ${missed.length} fault scenario(s) missed their SLO`:"";return{kind:"regression",reason:oneLine(`${regressed.length===1?"headline metric regressed":`${regressed.length} headline metrics regressed`}: ${list}${also}`)}}if(missed.length>0)return{kind:"fault-slo-missed",reason:oneLine(`fault scenario missed its SLO: ${missed.map(describeFault).join("; ")}`)};let headline=comparison.metrics.filter(m=>m.headline&&m.decision.decision!=="invalid");if(comparison.source.kind==="none")return{kind:"pass",reason:oneLine(`all workloads ran; not compared with a baseline: ${comparison.source.reason}`)};if(headline.length===0)return{kind:"pass",reason:"all workloads ran; no headline metric to compare"};if(headline.every(m=>m.decision.decision==="no-baseline"))return{kind:"first-run",reason:`first run of suite ${results.suite.name} on ${results.instance?.type??"this instance type"}: baseline recorded`};let judged=headline.filter(m=>["no-change","improvement"].includes(m.decision.decision));if(judged.length===0){let runs=Math.max(...headline.map(m=>m.decision.runs));return{kind:"pass",reason:`all workloads ran; ${runs} earlier run${runs===1?" is":"s are"} too few to judge a change (${MIN_RUNS_TO_DECIDE} needed); this run joins the baseline`}}let improved=headline.filter(m=>m.decision.decision==="improvement"),unjudged=headline.length-judged.length,parts=[`no headline metric regressed (${judged.length} of ${headline.length} judged`];return improved.length>0&&parts.push(`, ${improved.length} improved`),parts.push(")"),unjudged>0&&parts.push(`; ${unjudged} not judged: too few baseline runs`),{kind:"pass",reason:oneLine(parts.join(""))}}var STATUS_MARK={ok:"\u2705 ok","slo-missed":"\u274C slo-missed","not-injected":"\u26A0\uFE0F not-injected","not-recovered":"\u274C not-recovered",error:"\u274C error"},MAX_CHART_POINTS=48;function seconds(value){return value===void 0?"\u2014":`${compactNumber(Number(value.toFixed(1)))} s`}function sloText(f){return`\u2264 ${compactNumber(f.slo.maxRecoverySeconds)} s, errors \u2264 ${compactNumber(f.slo.maxErrorRate*100)}%, \xB1${compactNumber(f.slo.band)}%`}function injectedText(f){return f.injected?f.verified?"yes / verified":"yes / not verified":"no"}function faultRows(faults2){return table(["Fault","Kind","Target","Injected","Detection","First success","Recovery","Error rate","SLO","Status"],faults2.map(f=>[`${cell(f.id)} (${cell(f.workload)})`,cell(f.kind),f.target?code(f.target):"\u2014",injectedText(f),seconds(f.timeToDetectSeconds),seconds(f.timeToFirstSuccessSeconds),seconds(f.recoverySeconds),f.errorRate===void 0?"\u2014":percent(f.errorRate*100),sloText(f),STATUS_MARK[f.status]]))}function windowRow(name,w){return w?[name,seconds(w.seconds),w.throughput===void 0?"\u2014":`${formatNumber(w.throughput)} ${w.throughputUnit??""}`.trim(),w.p99TtftMs===void 0?"\u2014":`${formatNumber(w.p99TtftMs)} ms`,w.errorRate===void 0?"\u2014":`${percent(w.errorRate*100)} (${w.failed??0}/${w.requests??0})`]:[name,"\u2014","\u2014","\u2014","\u2014"]}function bucketTimeline(points,max=MAX_CHART_POINTS){if(points.length<=max)return{width:1,points:[...points]};let width=Math.ceil(points.length/max),out=[];for(let i=0;i<points.length;i+=width){let slice=points.slice(i,i+width);out.push({t:slice[0].t,ok:slice.reduce((s,p)=>s+p.ok,0),failed:slice.reduce((s,p)=>s+p.failed,0)})}return{width,points:out}}function faultChart(f){if(f.timeline.length===0)return;let{width,points}=bucketTimeline(f.timeline),unit=f.during?.throughputUnit==="images/s"?"images":"requests",per=width===1?"second":`${width} s`,body=[xyInit([paletteHex("green"),paletteHex("red")],{width:900,xLabelFontSize:10}),"xychart-beta",`  title "${f.id} - ${unit} per ${per}"`,`  x-axis "seconds from injection" [${points.map(p=>`"${p.t}"`).join(", ")}]`,`  y-axis "${unit}"`,`  bar [${points.map(p=>Number(p.ok.toPrecision(6))).join(", ")}]`,`  line [${points.map(p=>p.failed).join(", ")}]`].join(`
`),recovered=f.recoverySeconds!==void 0?`, recovered at ${seconds(f.recoverySeconds)}`:f.recovered?"":", not recovered in the window";return`${`Green bars: ${unit} that succeeded; red line: ${unit} that failed (per ${per}). Injected at 0 s${recovered}.`}

\`\`\`mermaid
${body}
\`\`\``}function faultDetail(f){let chart=faultChart(f);if(!chart&&!f.baseline)return;let out=[`### ${cell(f.id)}: ${cell(f.kind)} on ${cell(f.workload)}`,""],facts=[f.injectedAt?`injected ${cell(f.injectedAt)}`:void 0,f.window?`measured ${cell(f.window.start)} \u2192 ${cell(f.window.end)}`:void 0,f.faultSeconds!==void 0?`fault held ${formatNumber(f.faultSeconds)} s`:void 0,f.stepsLost!==void 0?`steps lost ${formatNumber(f.stepsLost)}`:void 0,f.pods?.totalRecoverySeconds!==void 0?`pod ${cell(f.pods.oldPod??"?")} \u2192 ${cell(f.pods.newPod??"?")}: rescheduled ${seconds(f.pods.podReschedulingSeconds)}, ready ${seconds(f.pods.podReadinessSeconds)}, total ${seconds(f.pods.totalRecoverySeconds)}`:void 0,f.pods?.restartCount!==void 0?`restart count ${f.pods.restartCount}`:void 0,f.pods?.agentOnlineSeconds!==void 0?`SSM agent back ${seconds(f.pods.agentOnlineSeconds)}`:void 0,f.pods?.controlPlaneSeconds!==void 0?`API server back ${seconds(f.pods.controlPlaneSeconds)}`:void 0,f.pods?.nodeReadySeconds!==void 0?`node Ready ${seconds(f.pods.nodeReadySeconds)}`:void 0,f.pods?.gpuAllocatableSeconds!==void 0?`nvidia.com/gpu allocatable ${seconds(f.pods.gpuAllocatableSeconds)}`:void 0].filter(Boolean);facts.length>0&&out.push(`${facts.join(" \xB7 ")}`,""),f.message&&out.push(code(f.message),"");let windows=table(["Window","Length","Throughput","p99 TTFT","Errors"],[windowRow("baseline",f.baseline),windowRow("during",f.during),windowRow("after",f.after)]);return chart&&out.push(chart,""),out.push(windows),out.join(`
`)}function faultsSection(faults2){if(faults2.length===0)return;let score=resilienceScore(faults2),missed=faults2.filter(faultMissedSlo).length,out=["## Fault scenarios","",`Resilience score **${score===void 0?"\u2014":`${formatNumber(score)}%`}** (share of SLOs met, weighted per fault); ${faults2.length-missed} of ${faults2.length} fault(s) within their SLO. Times are seconds from the injection.`,"",faultRows(faults2)];for(let f of faults2){let detail=faultDetail(f);detail&&out.push("",detail)}return out.join(`
`)}var SOURCE_TEXT={dcgm:"DCGM (`dcgmi dmon`)","nvidia-smi":"`nvidia-smi --query-gpu`"};function invalidResultsBlock(results){let invalid=results.workloads.filter(w=>w.telemetry&&!w.telemetry.valid);if(invalid.length===0)return;let lines=["> [!WARNING]",`> **${invalid.length} result${invalid.length===1?"":"s"} cannot be trusted** (GPU telemetry): not judged against the baseline and not kept as a baseline for later runs.`];for(let w of invalid)for(let reason2 of w.telemetry.validity)lines.push(`> - ${cell(w.id)}: ${cell(reason2)}`);return lines.join(`
`)}function share(value){return`${(value*100).toFixed(value<.1&&value>0?1:0)}%`}function label2(text){return text.replace(/[:;#"`\r\n[\]{}<>]/g," ").replace(/\s+/g," ").trim()}function secondLabels(seconds2){let seen=new Set;return seconds2.map(s=>{let label3=String(Math.round(s));for(;seen.has(label3);)label3+="+";return seen.add(label3),label3})}function telemetryChart(id,detail){let points=detail.timeline.filter(p=>Number.isFinite(p.powerWatts)&&Number.isFinite(p.smClockMHz));if(points.length<2)return;let t0=points[0].t,top=Math.ceil(Math.max(...points.map(p=>Math.max(p.powerWatts,p.smClockMHz/10)))*1.1)||1,x=secondLabels(points.map(p=>p.t-t0)).map(l=>`"${l}"`).join(", "),values=f=>points.map(p=>Number(f(p).toPrecision(5))).join(", ");return["```mermaid",xyInit([SPAN_GREY,paletteHex("orange"),paletteHex("blue")],{width:900,xLabelFontSize:10}),"xychart-beta",`  title "${label2(`${id} power and SM clock`)}"`,`  x-axis "seconds since the first sample" [${x}]`,`  y-axis "W and MHz\xF710" 0 --> ${top}`,`  bar [${values(p=>p.inWindow?top:0)}]`,`  line [${values(p=>p.powerWatts)}]`,`  line [${values(p=>p.smClockMHz/10)}]`,"```"].join(`
`)}function telemetryPart(w){let t=w.telemetry;if(!t)return;let d=w.telemetryDetail,reasons=Object.entries(t.throttleReasons).sort(([,a],[,b])=>b-a).map(([name,s])=>`${code(name)} ${share(s)}`).join(", "),out=[`#### ${cell(w.id)}: GPU telemetry`,""];out.push(t.valid?"**Valid**: no slowdown, low clock or other process on the GPU during the timed windows.":`**Invalid**: ${t.validity.map(cell).join("; ")}.`),out.push(""),out.push(table(["Quantity","Value"],[["Source",`${SOURCE_TEXT[t.source]}, every ${formatNumber(t.intervalSeconds)} s; ${t.samples} sample${t.samples===1?"":"s"} in the timed windows`],["Energy in the timed windows",`${formatNumber(t.energyJoules)} J`],["Power mean / max",`${formatNumber(t.powerWatts.mean)} W / ${formatNumber(t.powerWatts.max)} W`],["SM clock median / max",`${formatNumber(t.smClockMHz.median)} MHz / ${formatNumber(t.smClockMHz.max)} MHz${d?.maxSmClockMHz!==void 0?` (GPU maximum ${formatNumber(d.maxSmClockMHz)} MHz)`:""}`],["GPU utilisation mean",`${formatNumber(t.gpuUtilPercent.mean)}%`],["Memory used max",`${formatNumber(t.memoryUsedMiB.max)} MiB`],["Temperature max",`${formatNumber(t.temperatureC.max)} \xB0C`],["Clock-event reasons (share of samples)",reasons||"none"],["Other processes on the GPU",String(t.foreignProcesses)],...d?.powerCapWatts!==void 0?[["Configured power cap",`${formatNumber(d.powerCapWatts)} W`]]:[]])),d&&d.explanations.length>0&&out.push("",...d.explanations.map(e=>`- ${cell(e)}`)),d&&d.windows.length>0&&out.push("",table(["Timed window","Seconds","Energy (J)"],d.windows.map(win=>[cell(win.label),formatNumber(win.end-win.start),formatNumber(win.energyJoules)])));let chart=d?telemetryChart(w.id,d):void 0;if(d&&chart){let t0=d.timeline[0].t;out.push("","Power (W, orange line) and SM clock (MHz \xF7 10, blue line) over time; grey bars mark the timed windows.","",chart,"","<details><summary>The chart's numbers</summary>","",table(["Seconds","Power (W)","SM clock (MHz)","In a timed window"],d.timeline.map(p=>[String(Math.round(p.t-t0)),formatNumber(p.powerWatts),formatNumber(p.smClockMHz),p.inWindow?"yes":""])),"","</details>")}return d?.samplesUri&&out.push("",`Raw samples: ${code(d.samplesUri)}`),out.join(`
`)}var SUMMARY_LIMIT_BYTES=1e6,DIAGNOSTICS_LIMIT_BYTES=64*1024,VERDICT_MARK={pass:"\u2705 pass","first-run":"\u{1F195} first run",regression:"\u{1F534} regression","fault-slo-missed":"\u{1F7E0} fault SLO missed",failed:"\u274C failed"},DECISION_MARK={regression:"\u{1F534} regression",improvement:"\u{1F7E2} improvement","no-change":"\u2705 no change","no-baseline":"\u{1F195} baseline recorded","too-few-runs":"\u26AA not judged",invalid:"\u26A0\uFE0F invalid"};function betterText(m){return m.direction==="higher"?"\u2191 higher":"\u2193 lower"}function withUnit(value,unit){let v=formatNumber(value);return v==="\u2014"||!unit?v:`${v} ${unit}`}function baselineText(c){let d=c.decision;return d.baselineMean===void 0?"\u2014":`${withUnit(d.baselineMean,c.unit)} (mean of ${d.runs})`}function regressionIfText(c){let d=c.decision;if(d.baselineMean===void 0||d.limitPercent===void 0)return"\u2014";let sign=c.direction==="higher"?-1:1,limit=d.baselineMean*(1+sign*d.limitPercent/100);return`${c.direction==="higher"?"<":">"} ${withUnit(limit,c.unit)} (${sign<0?"\u2212":"+"}${percent(d.limitPercent)})`}function decisionText(c){return DECISION_MARK[c.decision.decision]}function rateText(rate){return rate===void 0?"":rate==="max"?"max load":`${compactNumber(rate)} req/s`}function rateOfName(name){let at=/@([^@]+)$/.exec(name)?.[1];if(at===void 0)return;if(at==="max"||at==="inf")return"max";let n=Number(/^(.*?)(?:rps)?$/.exec(at)[1]);return Number.isFinite(n)&&n>0?n:void 0}function sloText2(parameters){if(!parameters)return"";let parts=[["sloTtftMs","TTFT"],["sloTpotMs","TPOT"],["sloE2elMs","E2E latency"]].filter(([k])=>typeof parameters[k]=="number").map(([k,what])=>`${what} \u2264 ${compactNumber(parameters[k])} ms`);return parts.length>0?`SLO: ${parts.join(", ")}`:""}function metricTitle(results,c){let rate=rateText(rateOfName(c.metric)),slo=/goodput/i.test(c.metric)?sloText2(results.workloads.find(w=>w.id===c.workload)?.parameters):"";return`${cell(c.workload)} \xB7 ${cell(c.label)}${rate?` at ${rate}`:""}${slo?` (${cell(slo)})`:""}`}function isStandInRun(results){return/\bstand-in\b/i.test(results.instance?.amiName??"")}function gpuLine(results){let gpus=results.inventory?.gpus??[];if(gpus.length===0)return"not inventoried";let first=gpus[0],same=gpus.every(g=>g.name===first.name),memory=first.memoryMiB!==void 0?`, ${formatNumber(first.memoryMiB)} MiB`:"",name=same?`${gpus.length} \xD7 ${first.name}${memory}`:gpus.map(g=>g.name).join(", "),software=[results.inventory?.driverVersion&&`driver ${results.inventory.driverVersion}`,results.inventory?.cudaVersion&&`CUDA ${results.inventory.cudaVersion}`].filter(Boolean);return cell([name,...software].join(" \xB7 "))}function runLink(results){let r=results.run,label3=r.number!==void 0?`#${r.number}`:`run ${r.id}`,attempt=r.attempt>1?` (attempt ${r.attempt})`:"";return r.url&&/^https:\/\//.test(r.url)?`[${cell(label3)}](${r.url})${attempt}`:`${cell(label3)}${attempt}`}function deadManText(d){if(d.fired)return`**fired**${d.firedAt?` at ${d.firedAt}`:""}: the instance powered itself off at its expiry (\`ttl-minutes\`)`;if(!d.armed)return"not armed";let notes=[d.via,d.persistent?"re-armed at every boot":"",d.armedByUserData===!1?"user data had not armed it":""];return`armed for ${d.firesAt??"?"} (${notes.filter(Boolean).join(", ")})`}function topSection(model){let{results,verdict}=model,type=results.instance?.type??"no instance",out=[];out.push(`# GPU benchmark evidence: ${cell(results.suite.name)} on ${cell(type)}`),out.push(""),isStandInRun(results)&&out.push("> [!NOTE]","> This run used the local AWS stand-in, not AWS: the instance, the GPU inventory and every number below come from a CPU sandbox, not from the GPU named here.",""),out.push(`**Verdict: ${VERDICT_MARK[verdict.kind]}**: ${cell(verdict.reason)}`),out.push(""),verdict.kind==="failed"&&out.push(whatWentWrong(model),"");let invalid=invalidResultsBlock(results);invalid&&out.push(invalid,"");let inst=results.instance,instanceText=inst?`${cell(inst.type)} \xB7 ${cell(inst.availabilityZone)} \xB7 ${inst.market} \xB7 ${code(inst.id)}`:"not launched",commit=results.run.sha?` \xB7 commit ${code(results.run.sha.slice(0,12))}`:"";return out.push(table(["",""],[["Instance",instanceText],["GPU",gpuLine(results)],["Suite",`${cell(results.suite.name)} \xB7 hash ${code(results.suite.hash.slice(0,12))}`],["Run",`${runLink(results)}${commit}${results.run.event?` \xB7 ${cell(results.run.event)}`:""}`],...inst?.deadManSwitch?[["Dead-man switch",deadManText(inst.deadManSwitch)]]:[]])),out.push("",headlineSection(model)),out.join(`
`)}function decisiveLines(tail2,max=6){if(!tail2)return[];let telling=/out of memory|OutOfMemory|OOMKilled|\bOOM\b|error|exception|traceback|fatal|failed|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|Killed|panic|timed out/i;return tail2.split(`
`).map(l=>l.trimEnd()).filter(l=>telling.test(l)&&!/^`+$/.test(l)).slice(-max)}function failedPhaseOf(results,workloadId2){let names=[results.outcome.failedPhase,workloadId2,workloadId2&&`workload ${workloadId2}`].filter(Boolean);return results.phases.find(p=>names.includes(p.name))??results.phases.find(p=>p.status==="failed")}var STEP_MARK={ok:"\u2705 done",failed:"\u274C failed",skipped:"\u23ED skipped",cancelled:"\u23F9 cancelled"};function whatWentWrong(model){let{results}=model,broken=results.workloads.find(w=>w.status==="failed"||w.status==="oom"),phase=failedPhaseOf(results,broken?.id),cause=results.outcome.status!=="succeeded"?results.outcome.message??`${results.outcome.status} in ${results.outcome.failedPhase??"an unknown phase"}`:`${broken?.id??"a workload"} ${broken?.status==="oom"?"ran out of memory":"failed"}${broken?.message?`: ${broken.message}`:""}`,duration=phase?formatDuration(secondsBetween(phase.startedAt,phase.endedAt)):void 0,subject=broken?.id??results.outcome.failedPhase?.replace(/^workload /,""),said=subject&&cause.startsWith(`${subject}: `)?cause.slice(subject.length+2):cause,out=["### What went wrong",""];out.push(`**Cause:** ${code(said)}${phase?` (phase ${code(phase.name)}, ${phase.status} after ${duration})`:""}.`);let lines=decisiveLines(results.diagnosticsTail);lines.length>0&&(out.push("",`From the diagnostics (the tail is under Diagnostics below${results.locations.diagnostics?`, all of them in ${code(results.locations.diagnostics)}`:""}):`),out.push("",fenced(lines.join(`
`))));let steps=results.phases.filter(p=>Date.parse(p.endedAt)>Date.parse(p.startedAt)||p.status!=="ok").map(p=>[cell(p.name),STEP_MARK[p.status]??p.status,formatDuration(secondsBetween(p.startedAt,p.endedAt))]);for(let f of results.faults)steps.push([`fault ${cell(f.id)}`,`${STEP_MARK[f.status]??cell(f.status)}${f.message?`: ${code(f.message)}`:""}`,"\u2014"]);return steps.length>0&&out.push("","What finished and what did not:","",table(["Step","Status","Duration"],steps)),out.join(`
`)}function headlineSection(model){let{results,verdict,comparison}=model,headline=comparison.metrics.filter(m=>m.headline),broken=results.workloads.filter(w=>w.status!=="ok"),out=[];if(out.push(verdict.kind==="failed"&&headline.length>0?"### Headline metrics of the workloads that finished":"### Headline metrics",""),headline.length===0)return out.push(results.workloads.some(w=>w.status==="ok")?"_No headline metric was measured._":"_No workload completed, so there is no metric to show._"),out.join(`
`);if(verdict.kind==="first-run")return out.push(table(["Metric","This run"],headline.map(m=>[`${metricTitle(results,m)} (${betterText(m)})`,withUnit(m.current,m.unit)]))),out.push("",`<sub>Each value is the median of the run's trials. Later runs of this suite on ${cell(results.instance?.type??"this instance type")} are compared with them; a change is judged once ${MIN_RUNS_TO_DECIDE} earlier runs exist.</sub>`),out.join(`
`);let rows=headline.map(m=>[`${metricTitle(results,m)} (${betterText(m)})`,withUnit(m.current,m.unit),baselineText(m),signedPercent(m.decision.deltaPercent),regressionIfText(m),decisionText(m)]);for(let w of broken)rows.push([`${cell(w.id)}`,`did not finish (${w.status})`,"\u2014","\u2014","\u2014","not judged"]);out.push(table(["Metric","This run","Baseline","Change","Regression if","Decision"],rows));let mdc=headline.filter(m=>m.decision.mdcPercent!==void 0).map(m=>`${cell(m.label)}${rateOfName(m.metric)!==void 0?` at ${rateText(rateOfName(m.metric))}`:""} ${percent(m.decision.mdcPercent)}`);return out.push("",`<sub>Each run's value is the median of its trials. "Regression if" is the rule's one threshold on the worse side: the one-sided ${cell(comparison.rule.match(/\d+% t prediction interval/)?.[0]??"prediction interval")} from the baseline runs, never closer than the ${comparison.options.thresholdPercent}% floor. `+(mdc.length>0?`The smallest change this history catches in ${DETECTION_POWER*100}% of runs: ${mdc.join(", ")}; a smaller one may pass unnoticed.`:"")+"</sub>"),out.join(`
`)}function runSection(results){let r=results.run,rows=[["Repository",cell(r.repository)],["Commit",r.sha?`${code(r.sha)}${r.ref?` (${cell(r.ref)})`:""}`:cell(r.ref)],["Workflow",[r.workflow,r.job&&`job ${r.job}`].filter(Boolean).map(s=>cell(s)).join(" \xB7 ")||"\u2014"],["Trigger",cell(r.event)],["Actor",cell(r.actor)],["Run",`${runLink(results)} \xB7 id ${code(r.id)}`],["Started",formatTime(r.startedAt)],["Ended",formatTime(r.endedAt)],["Suite",`${cell(results.suite.name)} \xB7 ${code(results.suite.hash)}`],["Outcome",`${cell(`${results.outcome.status}${results.outcome.failedPhase?` in ${results.outcome.failedPhase}`:""}`)}${results.outcome.message?`: ${code(results.outcome.message)}`:""}`],["Tool",cell(`${results.tool.name} ${results.tool.version}`)]];return["## Run","",table(["Field","Value"],rows)].join(`
`)}function environmentSection(results){let out=["## Environment",""],inv=results.inventory,inst=results.instance,rows=[];if(inst&&(rows.push(["Region / zone",cell(`${inst.region} / ${inst.availabilityZone}`)]),rows.push(["AMI",`${code(inst.amiId)}${inst.amiName?` ${cell(inst.amiName)}`:""}`]),rows.push(["Launched",formatTime(inst.launchedAt)])),inv&&rows.push(["OS",cell(inv.os)],["Kernel",cell(inv.kernel)],["NVIDIA driver",cell(inv.driverVersion)],["CUDA",cell(inv.cudaVersion)],["k3s",cell(inv.k3sVersion)]),rows.length>0&&out.push(table(["Item","Value"],rows)),!inv)return out.push("","_No inventory was collected (the run stopped before the node was ready)._"),out.join(`
`);if(inv.gpus.length>0){out.push("","GPUs (the physical GPU differs from run to run; its UUID tells them apart):",""),out.push(table(["#","GPU","Memory","Power limit","Max clocks (SM / memory)","Compute capability"],inv.gpus.map(g=>[String(g.index),`${cell(g.name)}${g.eccMode?` \xB7 ECC ${cell(g.eccMode)}`:""}`,g.memoryMiB!==void 0?`${formatNumber(g.memoryMiB)} MiB`:"\u2014",g.powerLimitW!==void 0?`${compactNumber(g.powerLimitW)} W`:"\u2014",`${g.maxSmClockMHz!==void 0?`${g.maxSmClockMHz} MHz`:"\u2014"} / ${g.memClockMHz!==void 0?`${g.memClockMHz} MHz`:"\u2014"}`,cell(g.computeCapability)])));let uuids=inv.gpus.filter(g=>g.uuid).map(g=>`${g.index}: ${code(g.uuid)}`);uuids.length>0&&out.push("",`UUIDs: ${uuids.join(" \xB7 ")}`)}if(inv.warnings.length>0||inv.driverNote){out.push("","> [!WARNING]","> nvidia-smi reported:");for(let w of[...inv.warnings,...inv.driverNote?[inv.driverNote]:[]])out.push(`> - ${cell(w)}`)}return inv.images.length>0&&(out.push("","Container images:",""),out.push(table(["Image","Digest"],inv.images.map(i=>[code(i.ref),i.digest?code(i.digest):"\u2014"])))),out.join(`
`)}function timelineSection(results){let out=["## Timeline",""];if(results.phases.length===0)return out.push("_No phase was recorded._"),out.join(`
`);let gantt=phaseGantt(results.phases);return gantt&&out.push(gantt,""),out.push(table(["Phase","Start (UTC)","Duration","Status","Detail"],results.phases.map(p=>[cell(p.name),formatTime(p.startedAt),formatDuration(secondsBetween(p.startedAt,p.endedAt)),p.status,cell(p.detail)]))),out.join(`
`)}function parametersLine(w){let entries=Object.entries(w.parameters).sort(([a],[b])=>a.localeCompare(b));return entries.length===0?"_No parameters recorded._":`Parameters: ${entries.map(([k,v])=>code(`${k}=${String(v)}`)).join(" ")}`}function metricRows(metrics,headline){return metrics.map(m=>{let bold=headline.has(m.name)?"**":"";return[`${bold}${cell(m.label)}${bold} (${betterText(m)}) ${code(m.name)}`,withUnit(m.summary.median,m.unit),`${formatNumber(m.summary.min)} \u2013 ${formatNumber(m.summary.max)}`,formatNumber(m.summary.iqr),String(m.summary.n)]})}var STATISTIC=/\s+(mean|median|p\d+)$/i;function splitLabel(label3){let m=STATISTIC.exec(label3);return m?{quantity:label3.slice(0,m.index),statistic:m[1].toLowerCase()}:{quantity:label3}}function chartBlock(heading,tableText,chart){let out=[heading,"",tableText];return chart&&out.push("",cell(chart.legend),"",chart.chart),out.join(`
`)}function sweepBlock(model,w,points){let rates=[...new Set(points.map(m=>m.requestRate).filter(r=>typeof r=="number"))].sort((a,b)=>a-b),x=rates.map(r=>compactNumber(r)),at=(label3,rate)=>points.find(m=>m.label===label3&&m.requestRate===rate),baseline=m=>m&&model.comparison.metrics.find(c=>c.workload===w.id&&c.metric===m.name)?.decision.baselineMean,labels=[...new Set(points.map(m=>m.label))],unitOf=label3=>points.find(m=>m.label===label3).unit,slo=sloText2(w.parameters),out=[`#### ${cell(w.id)}: serving sweep`],atMax=points.filter(m=>m.requestRate==="max"&&!/failed/i.test(m.name));if(atMax.length>0&&out.push("","At max load (every request sent at once; the most it can serve, not a point on the request-rate axis):","",table(["Metric","This run","Baseline"],atMax.map(m=>[`${cell(m.label)} (${betterText(m)})`,withUnit(m.summary.median,m.unit),withUnit(baseline(m),m.unit)]))),rates.length===0)return out.join(`
`);let rateHeader="Request rate (req/s)",throughputs=labels.filter(l=>/\/s$/.test(unitOf(l))&&!splitLabel(l).statistic);if(throughputs.length>0){let header=throughputs.map(l=>`${cell(l)} (${cell(unitOf(l))}${/goodput/i.test(l)&&slo?`; ${cell(slo)}`:""})`),rows=rates.map((r,i)=>[x[i],...throughputs.map(l=>formatNumber(at(l,r)?.summary.median))]),main=throughputs.find(l=>unitOf(l)==="tok/s")??throughputs[0],series=[{name:`${main} this run`,values:rates.map(r=>at(main,r)?.summary.median)}],base=rates.map(r=>baseline(at(main,r)));base.every(v=>v!==void 0)&&series.push({name:`${main} baseline mean`,values:base,color:"green"}),out.push("",chartBlock("Throughput by request rate:",table([rateHeader,...header],rows),lineChart(`${main} by request rate`,"request rate (req/s)",x,unitOf(main),series)))}let quantities=[...new Set(labels.filter(l=>splitLabel(l).statistic&&unitOf(l)==="ms").map(l=>splitLabel(l).quantity))];for(let q of quantities){let stats=labels.filter(l=>splitLabel(l).quantity===q&&splitLabel(l).statistic),p992=stats.find(l=>/p99$/i.test(l)),mid=stats.find(l=>/(median|p50)$/i.test(l)),rows=rates.map((r,i)=>[x[i],...stats.map(l=>formatNumber(at(l,r)?.summary.median)),...p992?[formatNumber(baseline(at(p992,r)))]:[]]),series=[];for(let l of[mid,p992])l&&series.push({name:l,values:rates.map(r=>at(l,r)?.summary.median)});if(p992){let base=rates.map(r=>baseline(at(p992,r)));base.every(v=>v!==void 0)&&series.push({name:`${p992} baseline mean`,values:base,color:"green"})}out.push("",chartBlock(`${cell(q)} by request rate (ms, lower is better):`,table([rateHeader,...stats.map(l=>cell(splitLabel(l).statistic)),...p992?["baseline p99"]:[]],rows),lineChart(`${q} (ms) by request rate`,"request rate (req/s)",x,"ms",series)))}let achievedLabel=labels.find(l=>unitOf(l)==="req/s"&&!/goodput/i.test(l)),ttftP99=labels.find(l=>/^TTFT p99$/i.test(l)),sloTtft=typeof w.parameters.sloTtftMs=="number"?w.parameters.sloTtftMs:void 0;if(achievedLabel&&ttftP99){let pairs=rates.map(r=>({achieved:at(achievedLabel,r)?.summary.median,latency:at(ttftP99,r)?.summary.median})).filter(p=>p.achieved!==void 0&&p.latency!==void 0),series=[{name:"TTFT p99",values:pairs.map(p=>p.latency)}];sloTtft!==void 0&&series.push({name:`SLO ${compactNumber(sloTtft)} ms`,values:pairs.map(()=>sloTtft),color:"red"}),out.push("",chartBlock(`TTFT p99 against achieved throughput${sloTtft!==void 0?` (SLO: TTFT \u2264 ${compactNumber(sloTtft)} ms)`:""}:`,table(["Achieved (req/s)","TTFT p99 (ms)",...sloTtft!==void 0?["Within SLO"]:[]],pairs.map(p=>[formatNumber(p.achieved),formatNumber(p.latency),...sloTtft!==void 0?[p.latency<=sloTtft?"\u2705 yes":"\u274C no"]:[]])),lineChart("TTFT p99 (ms) by achieved req per s","achieved throughput (req/s)",pairs.map(p=>compactNumber(Number(p.achieved.toPrecision(3)))),"ms",series)))}let failed=labels.find(l=>/failed/i.test(l));return failed&&points.some(m=>m.label===failed&&m.summary.max>0)&&out.push("",chartBlock("Failed requests by request rate:",table([rateHeader,`${cell(failed)} (${cell(unitOf(failed))})`],rates.map((r,i)=>[x[i],formatNumber(at(failed,r)?.summary.median)])),lineChart("Failed requests by request rate","request rate (req/s)",x,unitOf(failed),[{name:"failed requests",values:rates.map(r=>at(failed,r)?.summary.median)}]))),out.join(`
`)}function workloadBlock(model,w){let blocks=[`### ${cell(w.id)} (${w.kind}): ${w.status}`];w.message&&blocks.push(`> ${code(w.message)}`),blocks.push(parametersLine(w)),blocks.push(`Ran ${formatTime(w.startedAt)} to ${formatTime(w.endedAt)} (${formatDuration(secondsBetween(w.startedAt,w.endedAt))}).`);let headline=new Set(headlineMetrics(w).map(m=>m.name)),plain=w.metrics.filter(m=>m.requestRate===void 0),points=w.metrics.filter(m=>m.requestRate!==void 0);if(plain.length>0?blocks.push(table(["Metric","Median","Min \u2013 max","IQR","Trials"],metricRows(plain,headline))):points.length===0&&blocks.push("_No metric was recorded._"),w.kind==="resnet50"){let mfu=w.metrics.find(m=>/mfu/i.test(m.name));blocks.push(mfu?`**MFU** (model FLOPs utilization: achieved \xF7 peak dense FLOP/s at the precision used): median ${formatNumber(mfu.summary.median)} ${cell(mfu.unit)} over ${mfu.summary.n} trial(s).`:"**MFU**: not reported by this run (the GPU's peak FLOP/s for this precision is unknown to the workload).")}points.length>0&&blocks.push(sweepBlock(model,w,points));let telemetry=telemetryPart(w);return telemetry&&blocks.push(telemetry),blocks.join(`

`)}function workloadsSection(model){let{results}=model;return results.workloads.length===0?["## Workloads","","_No workload ran._"].join(`
`):["## Workloads","",results.workloads.map(w=>workloadBlock(model,w)).join(`

`)].join(`
`)}function sourceText(comparison,results){let s=comparison.source,scope=`suite hash ${code(results.suite.hash.slice(0,12))} on ${cell(results.instance?.type??"no instance")}`,found=comparison.baselineRuns.length,where=s.kind==="history"?`in ${code(s.uri)}`:s.kind==="file"?`in the pinned baseline file ${code(s.path)}`:"";return s.kind==="none"?`Not compared: ${cell(s.reason)}.`:found===0?`Nothing to compare with yet: no earlier run that succeeded with ${scope} and the same workload parameters ${where}.`:`Baseline: ${`${found===1?"the 1 run":`the last ${found} runs`} (at most ${comparison.options.runs})`} that succeeded with ${scope} and the same workload parameters, ${where}.`}function comparisonSection(model){let{comparison,results}=model,out=["## Comparison with the baseline","",sourceText(comparison,results)];return comparison.notes.length>0&&out.push("",...comparison.notes.map(n=>`- ${cell(n)}`)),comparison.metrics.some(m=>m.decision.decision!=="no-baseline")&&(out.push("",`Rule: ${cell(comparison.rule)}.`),out.push("",table(["Metric","This run","Baseline","Change","Regression if","Decision"],comparison.metrics.map(m=>[`${m.headline?"**":""}${metricTitle(results,m)}${m.headline?"**":""} (${betterText(m)})`,withUnit(m.current,m.unit),baselineText(m),signedPercent(m.decision.deltaPercent),regressionIfText(m),decisionText(m)]))),comparison.baselineRuns.length>0&&(out.push("",`<details><summary>Baseline runs (${comparison.baselineRuns.length})</summary>`,""),out.push(table(["Run","Started","Commit","Where"],comparison.baselineRuns.map(r=>[cell(`${r.runNumber!==void 0?`#${r.runNumber} `:""}${r.runId}${r.attempt>1?` attempt ${r.attempt}`:""}`),formatTime(r.startedAt),r.sha?code(r.sha.slice(0,12)):"\u2014",code(r.folder)]))),out.push("","</details>"))),out.join(`
`)}function trendsSection(model){let{comparison,results}=model,metrics=comparison.metrics.filter(m=>m.headline&&m.history.length>0);if(metrics.length===0)return;let out=["## Trends","",`Each headline metric in the last ${comparison.baselineRuns.length} run(s) (the baseline) and this one, with the baseline mean and the value beyond which the rule calls a regression.`];for(let m of metrics){let thisRun=results.run.number!==void 0?`#${results.run.number} (this run)`:"this run",x=[...m.history.map(h=>h.run),thisRun],values=[...m.history.map(h=>h.value),m.current],d=m.decision,series=[{name:m.label,values}];if(d.baselineMean!==void 0&&series.push({name:"baseline mean",values:x.map(()=>d.baselineMean),color:"green"}),d.baselineMean!==void 0&&d.limitPercent!==void 0){let limit=d.baselineMean*(1+(m.direction==="higher"?-1:1)*d.limitPercent/100);series.push({name:`regression threshold ${withUnit(limit,m.unit)}`,values:x.map(()=>limit),color:"red"})}let rows=x.map((run,i)=>[cell(run),withUnit(values[i],m.unit)]),chart=lineChart(`${m.label} (${m.unit}) per run`,"run",x,m.unit,series);out.push("",`### ${metricTitle(results,m)}`,""),chart&&out.push(cell(chart.legend),"",chart.chart,""),out.push(`<details><summary>Values (${x.length} runs)</summary>`,"",table(["Run",cell(m.label)],rows),"","</details>")}return out.join(`
`)}function budgetText(budget){let worst=budget.worstCaseUsd!==void 0?`; at most $${budget.worstCaseUsd.toFixed(2)} before ttl-minutes`:"",stopped=budget.stoppedRun?`; **reached at ${cell(budget.reachedAt)}: the budget stopped the run and sent it to cleanup**`:"";return`$${budget.maxCostUsd.toFixed(2)}${worst}${stopped}`}function costSection(cost){let out=["## Cost",""];return cost.seconds===void 0?(out.push(...cost.notes.map(n=>`_${cell(n)}_`)),cost.budget&&out.push("",`Budget (max-cost-usd): ${budgetText(cost.budget)}`),out.join(`
`)):(out.push(table(["Item","Value"],[["Instance time",`${formatNumber(cost.seconds)} s (${formatDuration(cost.seconds)})${cost.running?", until the evidence was written":""}`],["Billed (per second, 60 s minimum)",`${formatNumber(cost.billedSeconds)} s`],["Price",cost.pricePerHourUsd!==void 0?`$${compactNumber(cost.pricePerHourUsd)}/h (${cell(cost.priceSource)})`:"unknown"],["Estimate",cost.usd!==void 0?`**$${cost.usd.toFixed(2)}** (${cell(cost.market)} ${cell(cost.instanceType)})`:"unknown"],...cost.onDemandPerHourUsd!==void 0&&cost.pricePerHourUsd!==void 0?[["On-demand price",`$${compactNumber(cost.onDemandPerHourUsd)}/h (spot saved ${Math.round((1-cost.pricePerHourUsd/cost.onDemandPerHourUsd)*100)}%)`]]:[],...cost.budget?[["Budget (max-cost-usd)",budgetText(cost.budget)]]:[]])),cost.notes.length>0&&out.push("",...cost.notes.map(n=>`- ${cell(n)}`)),out.join(`
`))}function filesSection(model){let{files,results}=model,rows=[],add=(what,where)=>{where&&rows.push([what,code(where)])};add("Run folder",files.folder),add("This report",files.evidence),add("results.json",files.results);for(let f of files.benchmarkAction??[])add("github-action-benchmark input",f);add("Diagnostics tail",files.diagnostics),add("History index",files.index),add("Raw workload output",results.locations.rawPrefix),add("Full diagnostics",results.locations.diagnostics);let out=["## Files",""];return out.push(rows.length>0?table(["What","Where"],rows):"_Nothing was archived._"),model.notes.length>0&&out.push("",...model.notes.map(n=>`- ${cell(n)}`)),out.join(`
`)}function somethingFailed(results){return results.outcome.status!=="succeeded"||results.workloads.some(w=>w.status==="failed"||w.status==="oom")||results.faults.some(faultMissedSlo)}function diagnosticsSection(model,maxBytes){let tail2=model.results.diagnosticsTail;if(!tail2||!somethingFailed(model.results))return;let full=model.results.locations.diagnostics??model.files.diagnostics,kept=tailBytes(tail2,maxBytes),cut=byteLength(tail2)-byteLength(kept),out=["## Diagnostics",""];return out.push(`The last lines of the diagnostics${full?` (all of them: ${code(full)})`:""}:`,""),cut>0&&out.push(`_${formatNumber(cut)} earlier bytes left out to fit the summary._`,""),out.push(kept.trim().length>0?fenced(kept):"_(empty)_"),out.join(`
`)}var REPORT_ORDER=["top","Trends","Workloads","Fault scenarios","Comparison with the baseline","Timeline","Environment","Run","Cost","Files","Diagnostics","footer"],SECTION_BUILDERS={top:topSection,Trends:trendsSection,Workloads:workloadsSection,"Fault scenarios":m=>faultsSection(m.results.faults),"Comparison with the baseline":comparisonSection,Timeline:m=>timelineSection(m.results),Environment:m=>environmentSection(m.results),Run:m=>runSection(m.results),Cost:m=>costSection(m.cost),Files:filesSection,Diagnostics:diagnosticsSection},OMITTED=name=>`## ${name}

_Left out to fit GitHub's job summary limit; evidence.md in the artifact and the S3 archive has it in full._`,DROP_ORDER=["Timeline","Environment","Trends","Workloads","Files","Fault scenarios","Run","Cost","Comparison with the baseline"];function renderEvidence(model,options={},redact=s=>s){let maxBytes=options.maxBytes??Number.POSITIVE_INFINITY,maxDiagnostics=options.maxDiagnosticsBytes??DIAGNOSTICS_LIMIT_BYTES,footer=`---
<sub>Generated ${formatTime(model.generatedAt)} by ${cell(model.results.tool.name)} ${cell(model.results.tool.version)} \xB7 results schema v${model.results.schemaVersion}</sub>`,build=diagBytes=>REPORT_ORDER.map(name=>({name,text:name==="footer"?footer:SECTION_BUILDERS[name](model,diagBytes)})).filter(s=>s.text!==void 0).map(s=>({name:s.name,text:redact(s.text)})),join2=sections2=>`${sections2.map(s=>s.text).join(`

`)}
`,sections=build(maxDiagnostics),doc=join2(sections);if(byteLength(doc)<=maxBytes)return doc;let diag=sections.find(s=>s.name==="Diagnostics");if(diag){let rest=byteLength(doc)-byteLength(diag.text),room=Math.min(maxDiagnostics,maxBytes-rest-600);sections=room>=256?build(room):sections.map(s=>s.name==="Diagnostics"?{name:s.name,text:OMITTED("Diagnostics")}:s),doc=join2(sections)}for(let name of DROP_ORDER){if(byteLength(doc)<=maxBytes)break;sections=sections.map(s=>s.name===name?{name,text:OMITTED(name)}:s),doc=join2(sections)}if(byteLength(doc)>maxBytes){let note=`

_Report cut here to fit GitHub's job summary limit._
`;doc=`${headBytes(doc,maxBytes-byteLength(note))}${note}`}return doc}var EVIDENCE_FILE="evidence.md",DIAGNOSTICS_FILE="diagnostics.txt",MAX_SKIP_WARNINGS=10;function artifactName(results){let type=results.instance?.type??NO_INSTANCE,number=results.run.number??results.run.id,job=(results.run.job??"job").slice(0,40),leg=results.instance?.id??results.run.startedAt.replace(/\D/g,"");return`benchmark-evidence-${type}-${number}-${job}-${results.run.attempt}-${leg}`.replace(/[^A-Za-z0-9._-]+/g,"-")}function headlineOf(comparison){return comparison.metrics.filter(m=>m.headline).map(m=>({workload:m.workload,metric:m.metric,label:m.label,value:Number.isFinite(m.current)?m.current:null,unit:m.unit,direction:m.direction,changePercent:m.decision.deltaPercent!==void 0&&Number.isFinite(m.decision.deltaPercent)?Number(m.decision.deltaPercent.toFixed(2)):null,decision:m.decision.decision}))}function describeBaseline(source){return source.kind==="history"?source.uri:source.kind==="file"?source.path:`none: ${source.reason}`}function errorText(error){let message=error instanceof Error?error.message:String(error);return message.split(`
`)[0]??message}async function readBaseline(results,opts,series,redact){let{history,log}=opts,warnSkipped=skipped=>{for(let line of skipped.slice(0,MAX_SKIP_WARNINGS))log.warning(redact(`History: ${line}`));skipped.length>MAX_SKIP_WARNINGS&&log.warning(`History: ${skipped.length-MAX_SKIP_WARNINGS} more entries skipped.`)},file=opts.baseline?.file;if(file){let text;try{text=await readFile(file,"utf8")}catch(error){let reason2=`the baseline file ${file} could not be read (${errorText(error)})`;return log.warning(redact(`${reason2}; no comparison this run. Check the 'baseline-file' input.`)),{entries:[],source:{kind:"none",reason:reason2}}}let read=parseBaselineFile(text,file);return warnSkipped(read.skipped),{entries:read.entries,source:{kind:"file",path:file}}}if(!results.instance)return{entries:[],source:{kind:"none",reason:"no instance was launched, so there is no instance type to compare on"}};if(!history||!series)return{entries:[],source:{kind:"none",reason:"no evidence bucket to read the history from"}};let uri=s3Uri({bucket:history.bucket,key:`${series}/`});try{let read=await readHistory(history,series);return warnSkipped(read.skipped),{entries:read.entries,source:{kind:"history",uri}}}catch(error){let reason2=`the history at ${uri} could not be read (${errorText(error)})`;return log.warning(redact(`${reason2}. The run is not compared; its evidence is still archived if the bucket accepts writes.`)),{entries:[],source:{kind:"none",reason:reason2}}}}async function publishEvidence(opts){let{history,publisher,log}=opts,redact=redactor(opts.secrets??[]),results=redactDeep(opts.results,redact),now=opts.clock?.now()??Date.now(),nowIso=new Date(now).toISOString(),baselineOptions={runs:opts.baseline?.runs??DEFAULT_BASELINE_OPTIONS.runs,thresholdPercent:opts.baseline?.thresholdPercent??DEFAULT_BASELINE_OPTIONS.thresholdPercent,confidence:opts.baseline?.confidence},series=history?seriesKey(history.prefix,results.suite.name,results.instance?.type??NO_INSTANCE):void 0,baseline=await readBaseline(results,opts,series,redact),comparison=compareWithBaseline(results,baseline.entries,baseline.source,baselineOptions),verdict=decideVerdict(results,comparison),notes=[],folderKey;if(history&&series)try{folderKey=await claimRunFolder(history,series,results)}catch(error){notes.push(`S3 archive skipped: ${errorText(error)}`)}let uriOf=name2=>history&&folderKey?s3Uri({bucket:history.bucket,key:`${folderKey}/${name2}`}):void 0,outDir=resolve(opts.outDir);await mkdir(outDir,{recursive:!0});let bench=benchmarkActionEntries(results),benchFiles=[...bench.biggerIsBetter.length>0?[{name:BIGGER_IS_BETTER_FILE,entries:bench.biggerIsBetter}]:[],...bench.smallerIsBetter.length>0?[{name:SMALLER_IS_BETTER_FILE,entries:bench.smallerIsBetter}]:[]],assessment={verdict:verdict.kind,reason:verdict.reason,baseline:describeBaseline(baseline.source),headline:headlineOf(comparison)},recorded={...results,assessment,locations:{...results.locations,evidence:uriOf(EVIDENCE_FILE)??results.locations.evidence,results:uriOf(RESULTS_FILE)??results.locations.results}},archiveFiles=[{name:RESULTS_FILE,body:redact(`${JSON.stringify(recorded,null,2)}
`),contentType:"application/json"},...benchFiles.map(f=>({name:f.name,body:redact(`${JSON.stringify(f.entries,null,2)}
`),contentType:"application/json"})),...results.diagnosticsTail?[{name:DIAGNOSTICS_FILE,body:redact(results.diagnosticsTail),contentType:"text/plain; charset=utf-8"}]:[]],model=archived2=>{let where=name2=>archived2?uriOf(name2):join(outDir,name2),files2={folder:archived2&&history&&folderKey?s3Uri({bucket:history.bucket,key:`${folderKey}/`}):outDir,evidence:where(EVIDENCE_FILE),results:where(RESULTS_FILE),benchmarkAction:benchFiles.map(f=>where(f.name)),diagnostics:results.diagnosticsTail?where(DIAGNOSTICS_FILE):void 0,index:archived2&&history&&series?s3Uri({bucket:history.bucket,key:`${series}/index.json`}):void 0};return{results,comparison,verdict,cost:estimateCost(results,now),files:files2,notes,generatedAt:nowIso}},writeLocal=async evidence2=>{let paths=[];for(let file of[{name:EVIDENCE_FILE,body:evidence2},...archiveFiles]){let path=join(outDir,file.name);await writeFile(path,redact(file.body),"utf8"),paths.push(path)}return paths},archived=!!folderKey,evidence=redact(renderEvidence(model(archived),{},redact)),files=await writeLocal(evidence),s3;if(history&&series&&folderKey)try{let entry=entryFromResults(recorded,folderKey),done=await archiveRun(history,series,folderKey,entry,[{name:EVIDENCE_FILE,body:evidence,contentType:"text/markdown; charset=utf-8"},...archiveFiles],nowIso);s3={folder:s3Uri({bucket:history.bucket,key:`${folderKey}/`}),evidence:done.uris[EVIDENCE_FILE],results:done.uris[RESULTS_FILE],index:done.indexUri},log.info(`Evidence archived to ${s3.folder}`)}catch(error){archived=!1;let note=`S3 archive failed: ${errorText(error)}; this run is not in the history, so the next comparison will not see it`;notes.push(note),log.warning(redact(`${note}. Check that the role may s3:PutObject and s3:ListBucket on the evidence bucket.`)),publisher.annotate("warning",redact(note),"Evidence not archived"),evidence=redact(renderEvidence(model(!1),{},redact)),files=await writeLocal(evidence)}let summary=redact(renderEvidence(model(archived),{maxBytes:opts.summaryLimitBytes??SUMMARY_LIMIT_BYTES},redact));try{await publisher.writeSummary(summary)}catch(error){log.warning(redact(`The job summary could not be written: ${errorText(error)}`))}let regressed=regressions(comparison);for(let m of regressed){let level=m.headline?opts.failOnRegression?"error":"warning":"notice",message=`${m.workload} ${m.label} ${signedPercent(m.decision.deltaPercent)} against ${m.decision.runs} baseline runs (${m.decision.reason}).`;publisher.annotate(level,redact(message),`Regression: ${m.workload} ${m.metric}`)}verdict.kind==="failed"&&publisher.annotate("error",redact(verdict.reason),"Benchmark run failed"),verdict.kind==="fault-slo-missed"&&publisher.annotate("warning",redact(verdict.reason),"Fault SLO missed");let name=artifactName(results),artifactUploaded=!1;if(publisher.uploadArtifact)try{await publisher.uploadArtifact(name,files,outDir,opts.retentionDays),artifactUploaded=!0}catch(error){log.warning(redact(`The evidence artifact ${name} could not be uploaded: ${errorText(error)}. The files are in ${outDir}${s3?` and ${s3.folder}`:""}.`))}let failure2;return verdict.kind==="failed"?failure2=`Benchmark run failed: ${verdict.reason}`:verdict.kind==="regression"&&opts.failOnRegression&&(failure2=`Regression (fail-on-regression is true): ${verdict.reason}`),{verdict:{kind:verdict.kind,reason:redact(verdict.reason)},headline:redactDeep(headlineOf(comparison),redact),folder:outDir,files,evidencePath:join(outDir,EVIDENCE_FILE),resultsPath:join(outDir,RESULTS_FILE),artifactName:name,artifactUploaded,s3,regressions:regressed,comparison,failure:failure2?redact(failure2):void 0}}var start_default=`#!/usr/bin/env bash
# Starts GPU telemetry for one workload: DCGM (\`dcgmi dmon\`) where its host engine answers,
# \`nvidia-smi\` otherwise. The sampler (sampler.sh, beside this script) runs detached in its own
# session, so it outlives this SSM command; stop.sh ends it and prints the samples.
#
# Environment: TELEMETRY_NAME (folder name, [a-z0-9.-]), INTERVAL_MS (>= 100), MAX_SECONDS (a
#   backstop: the sampler stops by itself after this long).
# Stdout: GPU_BENCH_TELEMETRY_START {"started":true|false,"source":"dcgm|nvidia-smi","intervalMs":N[,"reason":"\u2026"]}
# Exit status 0 whether or not a sampler could start (a run without telemetry still runs).
set -euo pipefail

: "\${TELEMETRY_NAME:?TELEMETRY_NAME is required}" "\${INTERVAL_MS:?INTERVAL_MS is required}" "\${MAX_SECONDS:?MAX_SECONDS is required}"
[[ $TELEMETRY_NAME =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { echo "start.sh: bad TELEMETRY_NAME '$TELEMETRY_NAME'" >&2; exit 2; }
if ! [[ $INTERVAL_MS =~ ^[0-9]+$ ]] || ((INTERVAL_MS < 100)); then
  echo "start.sh: INTERVAL_MS '$INTERVAL_MS' must be a whole number >= 100" >&2
  exit 2
fi
[[ $MAX_SECONDS =~ ^[0-9]+$ ]] || { echo "start.sh: MAX_SECONDS '$MAX_SECONDS' is not a number" >&2; exit 2; }

dir="\${GPU_BENCH_ROOT:-}/var/lib/gpu-bench/telemetry/$TELEMETRY_NAME"
not_started() {
  printf 'GPU_BENCH_TELEMETRY_START {"started":false,"intervalMs":%d,"reason":"%s"}\\n' "$INTERVAL_MS" "$1"
  exit 0
}

# A sampler an earlier attempt of this workload left running is stopped first.
if [[ -f $dir/pid ]]; then
  old=$(<"$dir/pid")
  if [[ $old =~ ^[0-9]+$ ]]; then kill -TERM -- "-$old" 2>/dev/null || true; fi
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$(dirname "\${BASH_SOURCE[0]}")/sampler.sh" "$dir/sampler.sh"

if command -v dcgmi >/dev/null 2>&1 && dcgmi discovery -l >/dev/null 2>&1; then
  source=dcgm
elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  source=nvidia-smi
else
  not_started "neither dcgmi nor nvidia-smi answers on this node"
fi

setsid bash "$dir/sampler.sh" "$dir" "$source" "$INTERVAL_MS" "$MAX_SECONDS" </dev/null >>"$dir/sampler.log" 2>&1 &

# Started means a first GPU sample is in: the timed window must not begin before the sampler sees it.
for ((i = 0; i < 150; i++)); do
  if grep -q '^gpu,' "$dir/samples.csv" 2>/dev/null; then
    printf 'GPU_BENCH_TELEMETRY_START {"started":true,"source":"%s","intervalMs":%d}\\n' "$source" "$INTERVAL_MS"
    exit 0
  fi
  sleep 0.1
done
echo "start.sh: no GPU sample after 15 s; the sampler's log:" >&2
tail -n 5 "$dir/sampler.log" >&2 || true
not_started "$source gave no sample within 15 s"
`;var sampler_default=`#!/usr/bin/env bash
# The GPU telemetry sampler of one workload (started detached by start.sh, stopped by stop.sh).
# Writes the samples file src/node/telemetry-samples.ts reads: a header, GPU index \u2192 UUID, then
# one "gpu,<unix s>,\u2026" line per GPU per tick and one "proc,<unix s>,\u2026" line per compute process
# per tick, each stamped with this node's clock as it arrives.
#
# Usage: sampler.sh DIR SOURCE(dcgm|nvidia-smi) INTERVAL_MS MAX_SECONDS
# Stops on SIGTERM, after MAX_SECONDS, or when DIR disappears; takes its readers with it.
set -uo pipefail

dir=$1 source=$2 interval_ms=$3 max_seconds=$4
out="$dir/samples.csv"
echo "$$" >"$dir/pid"

# setsid made this process the leader of its own group: stopping takes every reader with it.
stop() {
  trap - TERM INT EXIT
  kill -TERM -- "-$$" 2>/dev/null
  exit 0
}
trap stop TERM INT EXIT

# Driver 535 renamed clocks_throttle_reasons.* to clocks_event_reasons.*; older drivers know only the first.
reasons_field=clocks_event_reasons.active
if ! nvidia-smi --query-gpu="$reasons_field" --format=csv,noheader >/dev/null 2>&1; then
  reasons_field=clocks_throttle_reasons.active
fi

printf '# gpu-bench-telemetry v1 source=%s interval_ms=%s\\n' "$source" "$interval_ms" >"$out"
nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>/dev/null | while IFS=', ' read -r index uuid; do
  printf 'uuid,%s,%s\\n' "$index" "$uuid"
done >>"$out"

gpu_lines_nvidia_smi() {
  local fields="index,power.draw,clocks.sm,clocks.mem,utilization.gpu,utilization.memory,memory.used,temperature.gpu,$reasons_field,enforced.power.limit,power.default_limit,clocks.max.sm"
  local line
  nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits -lms "$interval_ms" 2>>"$dir/sampler.log" |
    while IFS= read -r line; do
      printf 'gpu,%s,%s\\n' "\${EPOCHREALTIME/,/.}" "\${line//, /,}"
    done >>"$out"
}

# DCGM fields: 155 power (W), 100 SM clock, 101 memory clock (MHz), 203 GPU util, 204 memory copy
# util (%), 252 framebuffer used (MiB), 150 GPU temperature (\xB0C), 112 clock-event reasons (bitmask),
# 164 enforced power limit, 163 default power limit (W), 113 maximum SM clock (MHz).
gpu_lines_dcgm() {
  local entity id rest joined
  local -a values
  dcgmi dmon -e 155,100,101,203,204,252,150,112,164,163,113 -d "$interval_ms" 2>>"$dir/sampler.log" |
    while read -r entity id rest; do
      [[ $entity == GPU && $id =~ ^[0-9]+$ ]] || continue
      read -ra values <<<"$rest"
      printf -v joined '%s,' "\${values[@]}"
      printf 'gpu,%s,%s,%s\\n' "\${EPOCHREALTIME/,/.}" "$id" "\${joined%,}"
    done >>"$out"
}

# The pod a process runs in: its HOSTNAME, as the container runtime sets it (empty outside a pod),
# into pods[pid]. No subshell per line: the sampler's own cost stays far below 1% of a core.
declare -A pods=()
pod_of() {
  local pid=$1 kv pod=""
  [[ -z \${pods[$pid]+set} ]] || return 0
  if [[ -r /proc/$pid/environ ]]; then
    while IFS= read -r -d '' kv; do
      if [[ $kv == HOSTNAME=* ]]; then pod=\${kv#HOSTNAME=}; fi
    done <"/proc/$pid/environ"
  fi
  pods[$pid]=\${pod//,/_}
}

proc_lines() {
  local line uuid pid used name
  nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory,process_name --format=csv,noheader,nounits -lms "$interval_ms" 2>>"$dir/sampler.log" |
    while IFS= read -r line; do
      IFS=, read -r uuid pid used name <<<"\${line//, /,}"
      [[ $pid =~ ^[0-9]+$ ]] || continue
      pod_of "$pid"
      printf 'proc,%s,%s,%s,%s,%s,%s\\n' "\${EPOCHREALTIME/,/.}" "$uuid" "$pid" "$used" "\${pods[$pid]}" "$name"
    done >>"$out"
}

if [[ $source == dcgm ]]; then gpu_lines_dcgm & else gpu_lines_nvidia_smi & fi
proc_lines &

deadline=$((EPOCHSECONDS + max_seconds))
while [[ -d $dir ]] && ((EPOCHSECONDS < deadline)); do
  sleep 1 &
  wait $!
done
`;var stop_default=`#!/usr/bin/env bash
# Stops one workload's GPU telemetry sampler (see start.sh) and prints its samples, each line of
# the samples file after the mark "GPU_BENCH_TELEMETRY ", then removes its folder.
# Environment: TELEMETRY_NAME. Exit status 0, also when no sampler was running (nothing printed).
set -euo pipefail

: "\${TELEMETRY_NAME:?TELEMETRY_NAME is required}"
[[ $TELEMETRY_NAME =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { echo "stop.sh: bad TELEMETRY_NAME '$TELEMETRY_NAME'" >&2; exit 2; }
dir="\${GPU_BENCH_ROOT:-}/var/lib/gpu-bench/telemetry/$TELEMETRY_NAME"
[[ -d $dir ]] || exit 0

if [[ -f $dir/pid ]]; then
  pid=$(<"$dir/pid")
  if [[ $pid =~ ^[0-9]+$ ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
fi
if [[ -f $dir/samples.csv ]]; then
  sed 's/^/GPU_BENCH_TELEMETRY /' "$dir/samples.csv"
fi
if [[ -s $dir/sampler.log ]]; then
  echo "--- sampler log (last lines) ---" >&2
  tail -n 5 "$dir/sampler.log" >&2
fi
rm -rf "$dir"
`;var CLOCK_EVENT_REASONS=[{bit:1,name:"gpu_idle",slowdown:!1},{bit:2,name:"applications_clocks_setting",slowdown:!1},{bit:4,name:"sw_power_cap",slowdown:!1},{bit:8,name:"hw_slowdown",slowdown:!0},{bit:16,name:"sync_boost",slowdown:!1},{bit:32,name:"sw_thermal_slowdown",slowdown:!0},{bit:64,name:"hw_thermal_slowdown",slowdown:!0},{bit:128,name:"hw_power_brake_slowdown",slowdown:!0},{bit:256,name:"display_clock_setting",slowdown:!1}],HEADER=/^# gpu-bench-telemetry v1 source=(dcgm|nvidia-smi) interval_ms=(\d+)/;function num(text){let t=(text??"").trim();if(t===""||/n\/?a|not supported|unknown|err/i.test(t))return Number.NaN;let n=Number(t);return Number.isFinite(n)?n:Number.NaN}function parseReasons(text){let t=(text??"").trim();return/^0x[0-9a-f]+$/i.test(t)?Number.parseInt(t.slice(2),16):/^\d+$/.test(t)?Number.parseInt(t,10):null}function reasonNames(mask){return CLOCK_EVENT_REASONS.filter(r=>(mask&r.bit)!==0).map(r=>r.name)}function parseSamples(text){let lines=text.split(`
`).map(l=>l.replace(/\r$/,"")),header=null,samples={uuids:new Map,gpu:[],procs:[],skipped:0};for(let line of lines){if(line==="")continue;if(line.startsWith("#")){header??=HEADER.exec(line);continue}let f=line.split(",");if(f[0]==="uuid"&&f.length>=3)samples.uuids.set(Number(f[1]),f[2].trim());else if(f[0]==="gpu"&&f.length>=14){let t=num(f[1]),gpu=num(f[2]);if(!Number.isFinite(t)||!Number.isInteger(gpu)){samples.skipped++;continue}samples.gpu.push({t,gpu,powerW:num(f[3]),smMHz:num(f[4]),memMHz:num(f[5]),gpuUtil:num(f[6]),memUtil:num(f[7]),memUsedMiB:num(f[8]),tempC:num(f[9]),reasons:parseReasons(f[10]),enforcedLimitW:num(f[11]),defaultLimitW:num(f[12]),maxSmMHz:num(f[13])})}else if(f[0]==="proc"&&f.length>=7){let t=num(f[1]),pid=num(f[3]);if(!Number.isFinite(t)||!Number.isInteger(pid)){samples.skipped++;continue}samples.procs.push({t,gpuUuid:f[2].trim(),pid,usedMiB:num(f[4]),pod:f[5].trim(),name:f.slice(6).join(",").trim()})}else samples.skipped++}if(header)return samples.gpu.sort((a,b)=>a.t-b.t||a.gpu-b.gpu),samples.procs.sort((a,b)=>a.t-b.t),{source:header[1],intervalSeconds:Number(header[2])/1e3,...samples}}var TELEMETRY_START_MARK="GPU_BENCH_TELEMETRY_START ",TELEMETRY_SAMPLE_MARK="GPU_BENCH_TELEMETRY ",DEFAULT_TELEMETRY_INTERVAL_SECONDS=1,StartOutcome=external_exports.object({started:external_exports.boolean(),source:external_exports.enum(["dcgm","nvidia-smi"]).optional(),intervalMs:external_exports.number(),reason:external_exports.string().optional()}),NAME=/^[a-z0-9][a-z0-9.-]*$/;function checkName(name){if(!NAME.test(name))throw new Error(`Telemetry name '${name}' must be lower-case letters, digits, dots and dashes`);return name}function planTelemetryStart(name,intervalSeconds,maxSeconds){if(!(intervalSeconds>=.1))throw new Error(`The telemetry interval must be at least 0.1 s, not ${intervalSeconds}`);return{name:`telemetry-start-${checkName(name)}`,body:start_default,env:{TELEMETRY_NAME:name,INTERVAL_MS:String(Math.round(intervalSeconds*1e3)),MAX_SECONDS:String(Math.ceil(maxSeconds))},files:[{path:"sampler.sh",content:sampler_default}],timeoutSeconds:120}}function planTelemetryStop(name){return{name:`telemetry-stop-${checkName(name)}`,body:stop_default,env:{TELEMETRY_NAME:name},timeoutSeconds:120}}function parseTelemetryStart(stdout){let line=stdout.split(`
`).filter(l=>l.startsWith(TELEMETRY_START_MARK)).at(-1),parsed=line?StartOutcome.safeParse(safeJson(line.slice(TELEMETRY_START_MARK.length))):void 0;return parsed?.success?parsed.data:{started:!1,intervalMs:0,reason:"the telemetry start step printed no outcome"}}function telemetryFromStop(stdout){let text=stdout.split(`
`).filter(l=>l.startsWith(TELEMETRY_SAMPLE_MARK)).map(l=>l.slice(TELEMETRY_SAMPLE_MARK.length).replace(/\r$/,"")).join(`
`),samples=text?parseSamples(text):void 0;return samples?{text:`${text}
`,samples}:{text}}async function startTelemetry(remote,name,intervalSeconds,maxSeconds){let result=await remote(planTelemetryStart(name,intervalSeconds,maxSeconds));return parseTelemetryStart(result.stdout)}async function stopTelemetry(remote,name){let result=await remote(planTelemetryStop(name));return telemetryFromStop(result.stdout)}function safeJson(text){try{return JSON.parse(text)}catch{return}}var vllm_server_default=`# vLLM's OpenAI-compatible server as a Deployment with a Service, readiness-checked on /health.
# The Hugging Face token (optional) comes from a Secret the setup script creates from an
# environment variable; it is never in a manifest, an argument or a log.
apiVersion: v1
kind: Namespace
metadata:
  name: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      gpu-bench/server: {{ name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/managed-by: gpu-bench
        gpu-bench/workload: {{ workloadId }}
        gpu-bench/server: {{ name }}
    spec:
      runtimeClassName: nvidia
      containers:
        - name: vllm
          image: {{ image }}
          imagePullPolicy: IfNotPresent
          command: ["vllm", "serve"]
          args: {{ args }}
          env:
            - name: HF_HOME
              value: /hf-cache
            - name: HF_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ tokenSecret }}
                  key: token
                  optional: true
          ports:
            - name: http
              containerPort: 8000
          startupProbe:
            httpGet:
              path: /health
              port: 8000
            periodSeconds: 5
            failureThreshold: {{ startupFailureThreshold }}
          readinessProbe:
            httpGet:
              path: /health
              port: 8000
            periodSeconds: 5
            failureThreshold: 3
          resources:
            limits:
              nvidia.com/gpu: 1
          volumeMounts:
            - name: hf-cache
              mountPath: /hf-cache
            - name: shm
              mountPath: /dev/shm
      volumes:
        - name: hf-cache
          hostPath:
            path: {{ hfCacheHostPath }}
            type: DirectoryOrCreate
        - name: shm
          emptyDir:
            medium: Memory
            sizeLimit: 8Gi
---
apiVersion: v1
kind: Service
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
spec:
  selector:
    gpu-bench/server: {{ name }}
  ports:
    - name: http
      port: 8000
      targetPort: 8000
`;var vllm_bench_job_default=`# One load point of the LLM sweep: \`vllm bench serve\` from the server's own image, as a Job. It needs
# no GPU (the server holds it). The result file is printed to the log on one marked line, so the
# host reads it with \`kubectl logs\`; the arguments reach vllm as "$@", never through the shell text.
# GPU_BENCH_VLLM_WINDOW gives the host-clock times around the benchmark, for the GPU telemetry.
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: {{ deadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/managed-by: gpu-bench
        gpu-bench/workload: {{ workloadId }}
    spec:
      restartPolicy: Never
      containers:
        - name: bench
          image: {{ image }}
          imagePullPolicy: IfNotPresent
          command:
            - /bin/sh
            - -c
            - |
              set -e
              started=$(date +%s.%N)
              vllm bench serve "$@" --save-result --result-dir /results --result-filename result.json
              ended=$(date +%s.%N)
              printf 'GPU_BENCH_VLLM_RESULT '
              tr -d '\\n' < /results/result.json
              echo
              printf 'GPU_BENCH_VLLM_WINDOW {"start":%s,"end":%s}\\n' "$started" "$ended"
            - vllm-bench
          args: {{ args }}
          env:
            - name: HF_HOME
              value: /hf-cache
            - name: HF_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ tokenSecret }}
                  key: token
                  optional: true
          volumeMounts:
            - name: results
              mountPath: /results
            - name: hf-cache
              mountPath: /hf-cache
      volumes:
        - name: results
          emptyDir: {}
        - name: hf-cache
          hostPath:
            path: {{ hfCacheHostPath }}
            type: DirectoryOrCreate
`;var llm_server_up_default=`#!/usr/bin/env bash
# Starts vLLM's OpenAI-compatible server (Deployment + Service) and waits, bounded, until its pod
# is Ready (the readiness probe answers /health), failing fast on a crash loop, an image that cannot
# be pulled or a pod that can never be scheduled.
#
# Usage: llm-server-up.sh [manifest.yaml]
# Environment: NAMESPACE, NAME, TOKEN_SECRET (validated by the caller), TIMEOUT_SECONDS,
#   HF_TOKEN (optional; becomes a Secret, never an argument or a log line), POLL_SECONDS (default 3),
#   PULL_GRACE_SECONDS (default 120), UNSCHEDULABLE_GRACE_SECONDS (default 180).
# Stdout: last line GPU_BENCH_SERVER {"name":\u2026,"outcome":"ready|crashed|timeout|image-pull|unschedulable|config","seconds":N}
# Exit status: 0 when the server reached an outcome, non-zero when kubectl itself failed.
set -euo pipefail

manifest="\${1:-manifest.yaml}"
: "\${NAMESPACE:?NAMESPACE is required}" "\${NAME:?NAME is required}" "\${TOKEN_SECRET:?TOKEN_SECRET is required}"
: "\${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}"
poll="\${POLL_SECONDS:-3}"
pull_grace="\${PULL_GRACE_SECONDS:-120}"
unschedulable_grace="\${UNSCHEDULABLE_GRACE_SECONDS:-180}"
for n in "$TIMEOUT_SECONDS" "$pull_grace" "$unschedulable_grace"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "llm-server-up.sh: '$n' is not a number of seconds" >&2; exit 2; }
done
[[ "$poll" =~ ^[0-9]+(\\.[0-9]+)?$ ]] || { echo "llm-server-up.sh: POLL_SECONDS '$poll' is not a number" >&2; exit 2; }

log() { printf '[%s] %s\\n' "$NAME" "$*" >&2; }
k() { kubectl -n "$NAMESPACE" "$@"; }
selector="gpu-bench/server=$NAME"

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >&2

# The token goes from the environment into the Secret through a pipe: printf is a shell builtin,
# so the value never appears in any process's arguments.
if [[ -n "\${HF_TOKEN:-}" ]]; then
  token_b64="$(printf '%s' "$HF_TOKEN" | base64 | tr -d '\\n')"
  printf 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: %s\\n  namespace: %s\\ntype: Opaque\\ndata:\\n  token: %s\\n' \\
    "$TOKEN_SECRET" "$NAMESPACE" "$token_b64" | kubectl apply -f - >/dev/null
  unset token_b64
  log "Hugging Face token stored in secret $TOKEN_SECRET"
else
  k delete secret "$TOKEN_SECRET" --ignore-not-found >/dev/null 2>&1 || true
fi
unset HF_TOKEN

kubectl apply -f "$manifest" >&2

# shellcheck source=remote/workloads/pod-watch.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/pod-watch.sh"
started=$SECONDS
outcome=""
reason=""
while [[ -z "$outcome" ]]; do
  ready="$(k get deployment "$NAME" -o jsonpath='{.status.readyReplicas}' 2>/dev/null || true)"
  if [[ "$ready" =~ ^[1-9] ]]; then outcome=ready; break; fi
  pod_trouble "$selector"
  if [[ " $waiting " == *" CrashLoopBackOff "* ]]; then outcome=crashed; reason="the server exited while starting"; fi
  if [[ -z "$outcome" ]] && (( SECONDS - started >= TIMEOUT_SECONDS )); then
    outcome=timeout; reason="not Ready after \${TIMEOUT_SECONDS}s"
  fi
  [[ -n "$outcome" ]] || sleep "$poll"
done
elapsed=$(( SECONDS - started ))
log "outcome: $outcome\${reason:+ ($reason)} after \${elapsed}s"

if [[ "$outcome" != ready ]]; then
  # Diagnostics first, the server's own log last: the end of stderr is what callers quote.
  {
    echo "--- diagnostics for server $NAME ---"
    k describe pods -l "$selector" 2>&1 | tail -n 60 || true
    k get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 || true
    echo "--- log of server $NAME ---"
    k logs "deployment/$NAME" --previous --tail=80 2>/dev/null || k logs "deployment/$NAME" --tail=80 2>&1 || true
  } >&2
fi

printf 'GPU_BENCH_SERVER {"name":"%s","outcome":"%s","seconds":%d}\\n' "$NAME" "$outcome" "$elapsed"
`;var llm_server_down_default=`#!/usr/bin/env bash
# Stops the vLLM server of one LLM workload and waits (bounded) until its pod is gone, so the GPU is
# free for the next workload; removes the token Secret. Idempotent: nothing to delete is fine.
#
# Environment: NAMESPACE, NAME, TOKEN_SECRET (validated by the caller), TIMEOUT_SECONDS (default 180).
set -euo pipefail

: "\${NAMESPACE:?NAMESPACE is required}" "\${NAME:?NAME is required}" "\${TOKEN_SECRET:?TOKEN_SECRET is required}"
timeout="\${TIMEOUT_SECONDS:-180}"
[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "llm-server-down.sh: '$timeout' is not a number of seconds" >&2; exit 2; }

k() { kubectl -n "$NAMESPACE" "$@"; }

if ! kubectl get namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "GPU_BENCH_SERVER_DOWN {\\"name\\":\\"$NAME\\",\\"outcome\\":\\"absent\\"}"
  exit 0
fi
k delete deployment "$NAME" --ignore-not-found --wait=true --timeout="\${timeout}s" >&2
k delete service "$NAME" --ignore-not-found >&2
k delete secret "$TOKEN_SECRET" --ignore-not-found >/dev/null

deadline=$(( SECONDS + timeout ))
while [[ -n "$(k get pods -l "gpu-bench/server=$NAME" -o name 2>/dev/null || true)" ]]; do
  if (( SECONDS >= deadline )); then
    echo "[$NAME] server pod still present after \${timeout}s" >&2
    echo "GPU_BENCH_SERVER_DOWN {\\"name\\":\\"$NAME\\",\\"outcome\\":\\"timeout\\"}"
    exit 1
  fi
  sleep 2
done
echo "GPU_BENCH_SERVER_DOWN {\\"name\\":\\"$NAME\\",\\"outcome\\":\\"stopped\\"}"
`;var job_default=`#!/usr/bin/env bash
# Runs one benchmark Job to its end: applies its manifests, waits for it with a bounded timeout
# (failing fast on an image that cannot be pulled or a pod that can never be scheduled), relays
# its results as marked lines, prints diagnostics when it did not succeed, and deletes it.
#
# Usage: job.sh [manifest.yaml]
# Environment: NAMESPACE, JOB_NAME (validated by the caller), TIMEOUT_SECONDS,
#   POLL_SECONDS (default 2), PULL_GRACE_SECONDS (default 120), UNSCHEDULABLE_GRACE_SECONDS (default 180).
# Stdout, for the caller to parse:
#   GPU_BENCH_JSON {...}          each line of the container log that is a {"record": ...} object
#   GPU_BENCH_VLLM_RESULT {...}   a vllm bench result file, as the container printed it
#   GPU_BENCH_VLLM_WINDOW {...}   the benchmark's start and end on the host clock (Unix seconds)
#   GPU_BENCH_JOB {...}           last line: outcome (succeeded|failed|timeout|image-pull|unschedulable|config), seconds
# Exit status: 0 when the Job reached an outcome (whatever it was), non-zero when kubectl itself failed.
set -euo pipefail

manifest="\${1:-manifest.yaml}"
: "\${NAMESPACE:?NAMESPACE is required}" "\${JOB_NAME:?JOB_NAME is required}" "\${TIMEOUT_SECONDS:?TIMEOUT_SECONDS is required}"
poll="\${POLL_SECONDS:-2}"
pull_grace="\${PULL_GRACE_SECONDS:-120}"
unschedulable_grace="\${UNSCHEDULABLE_GRACE_SECONDS:-180}"
for n in "$TIMEOUT_SECONDS" "$pull_grace" "$unschedulable_grace"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "job.sh: '$n' is not a number of seconds" >&2; exit 2; }
done
[[ "$poll" =~ ^[0-9]+(\\.[0-9]+)?$ ]] || { echo "job.sh: POLL_SECONDS '$poll' is not a number" >&2; exit 2; }

log() { printf '[%s] %s\\n' "$JOB_NAME" "$*" >&2; }
k() { kubectl -n "$NAMESPACE" "$@"; }

delete_job() {
  k delete job "$JOB_NAME" --ignore-not-found --cascade=foreground --wait=true --timeout=120s >/dev/null 2>&1 || true
  k delete configmap "$JOB_NAME" --ignore-not-found >/dev/null 2>&1 || true
}

# A Job of the same name (an earlier attempt on this node) would make apply a no-op.
if kubectl get namespace "$NAMESPACE" >/dev/null 2>&1; then delete_job; fi
kubectl apply -f "$manifest" >&2
trap delete_job EXIT

# shellcheck source=remote/workloads/pod-watch.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/pod-watch.sh"
started=$SECONDS
outcome=""
reason=""
while [[ -z "$outcome" ]]; do
  conditions="$(k get job "$JOB_NAME" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true)"
  case " $conditions " in
    *" Complete "*) outcome=succeeded; break ;;
    *" Failed "*) outcome=failed; break ;;
  esac
  pod_trouble "job-name=$JOB_NAME"
  if [[ -z "$outcome" ]] && (( SECONDS - started >= TIMEOUT_SECONDS )); then
    outcome=timeout; reason="still running after \${TIMEOUT_SECONDS}s"
  fi
  [[ -n "$outcome" ]] || sleep "$poll"
done
elapsed=$(( SECONDS - started ))
log "outcome: $outcome\${reason:+ ($reason)} after \${elapsed}s"

exit_code=0
if [[ "$outcome" != succeeded ]]; then
  exit_code="null"
  # Diagnostics first, the container's own log last: the end of stderr is what callers quote.
  {
    echo "--- diagnostics for job $JOB_NAME ---"
    k describe job "$JOB_NAME" 2>&1 | tail -n 40 || true
    k describe pods -l "job-name=$JOB_NAME" 2>&1 | tail -n 60 || true
    k get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 || true
    echo "--- log of job $JOB_NAME ---"
  } >&2
  code="$(k get pods -l "job-name=$JOB_NAME" -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)"
  if [[ "$code" =~ ^[0-9]+$ ]]; then exit_code="$code"; fi
fi

container_log="$(k logs "job/$JOB_NAME" --all-containers=true 2>/dev/null || true)"
while IFS= read -r line; do
  case "$line" in
    '{"record":'*) printf 'GPU_BENCH_JSON %s\\n' "$line" ;;
    GPU_BENCH_VLLM_RESULT\\ * | GPU_BENCH_VLLM_WINDOW\\ *) printf '%s\\n' "$line" ;;
    *) printf '%s\\n' "$line" >&2 ;;
  esac
done <<< "$container_log"

# Every value below is a fixed word, a number or the caller's validated job name: safe as JSON.
printf 'GPU_BENCH_JOB {"job":"%s","outcome":"%s","seconds":%d,"exitCode":%s}\\n' "$JOB_NAME" "$outcome" "$elapsed" "$exit_code"
`;var pod_watch_default=`#!/usr/bin/env bash
# Sourced by job.sh and llm-server-up.sh, which ship it beside themselves: tells, from the pods
# behind a label selector, when they can never start, so a wait fails fast instead of at its limit.
#
# pod_trouble SELECTOR  sets outcome and reason (config, image-pull, unschedulable) or leaves them
# empty. Uses the caller's k (kubectl in the namespace), pull_grace and unschedulable_grace, and keeps
# pull_since and unschedulable_since between calls; leaves the pods' waiting reasons in waiting.
# Call it directly, not in $(\u2026): what it sets must outlive the call.
# shellcheck disable=SC2154,SC2034  # the graces come from the caller; outcome and reason go back to it

pull_since=""
unschedulable_since=""
waiting=""

pod_trouble() {
  local selector="$1" scheduled
  waiting="$(k get pods -l "$selector" -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' 2>/dev/null || true)"
  scheduled="$(k get pods -l "$selector" -o jsonpath='{.items[*].status.conditions[?(@.type=="PodScheduled")].reason}' 2>/dev/null || true)"
  case " $waiting " in
    *" InvalidImageName "* | *" CreateContainerConfigError "* | *" CreateContainerError "*)
      outcome=config; reason="$waiting" ;;
    *" ErrImagePull "* | *" ImagePullBackOff "*)
      pull_since="\${pull_since:-$SECONDS}"
      if (( SECONDS - pull_since >= pull_grace )); then outcome=image-pull; reason="$waiting"; fi ;;
    *) pull_since="" ;;
  esac
  if [[ -z "$outcome" && " $scheduled " == *" Unschedulable "* ]]; then
    unschedulable_since="\${unschedulable_since:-$SECONDS}"
    if (( SECONDS - unschedulable_since >= unschedulable_grace )); then
      outcome=unschedulable; reason="no node can run the pod (is a GPU free and nvidia.com/gpu allocatable?)"
    fi
  else
    unschedulable_since=""
  fi
}
`;var POD_WATCH_FILE={path:"pod-watch.sh",content:pod_watch_default};function jobScript(o){return{name:o.name,body:job_default,args:["manifest.yaml"],env:{NAMESPACE:o.namespace,JOB_NAME:o.jobName,TIMEOUT_SECONDS:String(o.waitSeconds)},files:[{path:"manifest.yaml",content:o.manifest},POD_WATCH_FILE],timeoutSeconds:o.waitSeconds+600}}var IMAGES={pytorch:"pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime",pytorchDevel:"pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel",vllm:"vllm/vllm-openai:v0.11.0"},WORKLOAD_NAMESPACE="gpu-bench",HF_CACHE_HOST_PATH="/var/lib/gpu-bench/hf-cache";var import_yaml2=__toESM(require_dist(),1),PLACEHOLDER=/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;function renderManifest(template,values){let used=new Set,missing=new Set,text=template.replace(PLACEHOLDER,(_match,name)=>Object.hasOwn(values,name)?(used.add(name),toJson(name,values[name])):(missing.add(name),"null"));if(missing.size>0)throw new Error(`Manifest template needs values for: ${[...missing].join(", ")}`);let unused=Object.keys(values).filter(k=>!used.has(k));if(unused.length>0)throw new Error(`Manifest template has no placeholder for: ${unused.join(", ")}`);let docs=(0,import_yaml2.parseAllDocuments)(text),errors=(Array.isArray(docs)?docs:[docs]).flatMap(d=>d.errors.map(e=>e.message.split(`
`)[0]));if(errors.length>0)throw new Error(`Rendered manifest is not valid YAML: ${errors.join("; ")}`);return text}function toJson(name,value){let check=v=>{if(typeof v=="number"&&!Number.isFinite(v))throw new Error(`Manifest value '${name}' is not a finite number`)};return Array.isArray(value)?value.forEach(check):check(value),JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g,c=>`\\u${c.charCodeAt(0).toString(16).padStart(4,"0")}`)}function kubeName(...parts){let name=parts.map(String).join("-").toLowerCase().replace(/[^a-z0-9-]+/g,"-").replace(/-+/g,"-").replace(/^-|-$/g,"");if(name.length===0||name.length>63)throw new Error(`'${name}' cannot be a Kubernetes object name (1-63 characters)`);return name}var MARK={json:JSON_LINE_MARKER,job:"GPU_BENCH_JOB ",vllmResult:"GPU_BENCH_VLLM_RESULT ",vllmWindow:"GPU_BENCH_VLLM_WINDOW ",server:"GPU_BENCH_SERVER "},JobOutcome=external_exports.object({job:external_exports.string(),outcome:external_exports.enum(["succeeded","failed","timeout","image-pull","unschedulable","config"]),seconds:external_exports.number(),exitCode:external_exports.number().nullable()}),ServerOutcome=external_exports.object({name:external_exports.string(),outcome:external_exports.enum(["ready","crashed","timeout","image-pull","unschedulable","config"]),seconds:external_exports.number()});function lastMarked(stdout,mark,schema){let last=markedLines(stdout,mark).at(-1);if(last===void 0)return;let parsed=schema.safeParse(safeJson2(last));if(!parsed.success)throw new WorkloadOutputError(`The line '${mark.trim()} ${last.slice(0,200)}' is not in the expected form`);return parsed.data}function safeJson2(text){try{return JSON.parse(text)}catch{return}}var WorkloadOutputError=class extends Error{constructor(message){super(message),this.name="WorkloadOutputError"}};function metric(spec,trials2){return{...spec,headline:spec.headline??!1,trials:[...trials2],summary:summarize(trials2)}}var OUTCOME_WORDS={failed:"its container exited with an error",timeout:"it did not finish within its timeout","image-pull":"its image could not be pulled",unschedulable:"its pod could not be scheduled (no free GPU?)",config:"its container could not be created",crashed:"the server exited while starting"};function tail(text,lines=8){return lastLines(text,lines).trim()}var num2=external_exports.number(),optNum=num2.nullish(),RawResult=external_exports.looseObject({date:external_exports.string().optional(),backend:external_exports.string().optional(),endpoint_type:external_exports.string().optional(),model_id:external_exports.string().optional(),num_prompts:external_exports.number().optional(),request_rate:external_exports.union([num2,external_exports.string()]).nullish(),burstiness:optNum,max_concurrency:optNum,duration:optNum,completed:optNum,failed:optNum,total_input_tokens:optNum,total_output_tokens:optNum,request_throughput:optNum,request_inthroughput:optNum,request_goodput:optNum,"request_goodput:":optNum,output_throughput:optNum,total_token_throughput:optNum,errors:external_exports.array(external_exports.unknown()).optional()}),VllmResultError=class extends Error{constructor(message){super(message),this.name="VllmResultError"}};function parsePythonJson(text){let cleaned=text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g,m=>m.startsWith('"')?m:"null");return JSON.parse(cleaned)}function parseVllmResult(input,requestRate){let raw=input;if(typeof input=="string")try{raw=parsePythonJson(input)}catch(error){throw new VllmResultError(`The vllm bench result is not JSON: ${error.message}`)}let parsed=RawResult.safeParse(raw);if(!parsed.success)throw new VllmResultError(`The vllm bench result has unexpected fields: ${parsed.error.issues.map(i=>`${i.path.join(".")}: ${i.message}`).join("; ")}`);let r=parsed.data,record=raw,missing=[],need=(value,name)=>value==null||!Number.isFinite(value)?(missing.push(name),Number.NaN):value,field=key=>{let v=record[key];return typeof v=="number"&&Number.isFinite(v)?v:null},latency=(metric2,required)=>{let mean2=field(`mean_${metric2}_ms`),median=field(`median_${metric2}_ms`)??field(`p50_${metric2}_ms`),p992=field(`p99_${metric2}_ms`);return!required&&mean2===null&&median===null&&p992===null?null:{mean:need(mean2,`mean_${metric2}_ms`),median:need(median,`median_${metric2}_ms`),p90:field(`p90_${metric2}_ms`),p99:need(p992,`p99_${metric2}_ms`)}},completed=need(r.completed,"completed"),numPrompts=typeof r.num_prompts=="number"?r.num_prompts:null,failed=r.failed??null;failed===null&&numPrompts!==null&&Number.isFinite(completed)&&(failed=Math.max(0,numPrompts-completed)),failed===null&&r.errors&&(failed=r.errors.filter(e=>typeof e=="string"&&e.length>0).length);let point={requestRate:parseRate(r.request_rate,requestRate),durationS:need(r.duration,"duration"),completed,failed,numPrompts,requestThroughput:need(r.request_throughput??r.request_inthroughput,"request_throughput"),outputThroughput:need(r.output_throughput,"output_throughput"),totalTokenThroughput:r.total_token_throughput??null,requestGoodput:r.request_goodput??r["request_goodput:"]??null,totalInputTokens:r.total_input_tokens??null,totalOutputTokens:r.total_output_tokens??null,ttft:latency("ttft",!0),tpot:latency("tpot",!0),itl:latency("itl",!0),e2el:latency("e2el",!1),format:"request_goodput:"in record?"benchmark_serving":"failed"in record?"bench-serve-with-failed":"bench-serve"};if(missing.length>0)throw new VllmResultError(`The vllm bench result lacks ${missing.join(", ")} (keys present: ${Object.keys(record).sort().join(", ")}). A newer or older vLLM may name them differently: pin the image the tool was tested with, or report the new names.`);return point}function parseRate(value,expected){let rate;if(typeof value=="number"&&Number.isFinite(value))rate=value;else if(typeof value=="string"&&/^\+?inf(inity)?$/i.test(value.trim()))rate="inf";else if(value===null&&expected==="inf")rate="inf";else if(value==null){if(expected===void 0)throw new VllmResultError("The vllm bench result does not record its request_rate");rate=expected}else if(Number.isFinite(Number(value)))rate=Number(value);else throw new VllmResultError(`The vllm bench result has request_rate '${String(value)}', which is not a number or inf`);if(expected!==void 0&&rate!==expected)throw new VllmResultError(`The vllm bench result is for request rate ${rate}, but rate ${expected} was asked for`);return rate}function loadPoints(w){return[...[...w.requestRates].sort((a,b)=>a-b),...w.maxThroughput?["inf"]:[]]}var BEFORE_AMPERE=[[/\bT4G?\b/,"7.5"],[/\bV100\b/,"7.0"],[/\bM60\b/,"5.2"],[/\bK80\b/,"3.7"]];function computeCapabilityOf(computeCapability,gpuName){return computeCapability&&Number.isFinite(Number.parseFloat(computeCapability))?computeCapability:gpuName?BEFORE_AMPERE.find(([name])=>name.test(gpuName))?.[1]:void 0}function effectiveDtype(w,computeCapability,gpuName){if(w.dtype!=="auto")return w.dtype;let cc=Number.parseFloat(computeCapabilityOf(computeCapability,gpuName)??"");return Number.isFinite(cc)&&cc<8?"half":"auto"}function autoDtypeNote(w,computeCapability,gpuName){if(!(w.dtype!=="auto"||computeCapabilityOf(computeCapability,gpuName)!==void 0))return`dtype auto was left to vLLM: the node did not report ${gpuName??"the GPU"}'s compute capability, so half could not be chosen for a GPU without bf16 (set dtype: half for a T4 or V100)`}function vllmImage(w){return w.image??IMAGES.vllm}function serverNames(w){return{server:kubeName("vllm",w.id),tokenSecret:kubeName("vllm",w.id,"hf-token")}}function serverArgs(w,dtype){return[w.model,"--host","0.0.0.0","--port","8000","--dtype",dtype,"--max-model-len",String(w.maxModelLen),"--gpu-memory-utilization",String(w.gpuMemoryUtilization),"--seed",String(w.seed),...w.revision?["--revision",w.revision]:[]]}function benchArgs(w,rate,baseUrl){let goodput=[...w.slo.ttftMs!==void 0?[`ttft:${w.slo.ttftMs}`]:[],...w.slo.tpotMs!==void 0?[`tpot:${w.slo.tpotMs}`]:[],...w.slo.e2elMs!==void 0?[`e2el:${w.slo.e2elMs}`]:[]];return["--backend","vllm","--base-url",baseUrl,"--model",w.model,"--dataset-name","random","--random-input-len",String(w.inputLen),"--random-output-len",String(w.outputLen),"--num-prompts",String(w.numPrompts),"--request-rate",rate==="inf"?"inf":String(rate),"--seed",String(w.seed),"--temperature","0","--ignore-eos","--percentile-metrics","ttft,tpot,itl,e2el","--metric-percentiles","50,90,99","--disable-tqdm",...w.maxConcurrency!==void 0?["--max-concurrency",String(w.maxConcurrency)]:[],"--goodput",...goodput]}function planServerUp(w,dtype,namespace,hfToken){let n=serverNames(w),waitSeconds=w.serverStartTimeoutMinutes*60,manifest=renderManifest(vllm_server_default,{namespace,name:n.server,workloadId:w.id,image:vllmImage(w),args:serverArgs(w,dtype),tokenSecret:n.tokenSecret,hfCacheHostPath:HF_CACHE_HOST_PATH,startupFailureThreshold:Math.ceil(waitSeconds/5)+12});return{name:`workload-${w.id}-server-up`,body:llm_server_up_default,args:["manifest.yaml"],env:{NAMESPACE:namespace,NAME:n.server,TOKEN_SECRET:n.tokenSecret,TIMEOUT_SECONDS:String(waitSeconds),...hfToken?{HF_TOKEN:hfToken}:{}},files:[{path:"manifest.yaml",content:manifest},POD_WATCH_FILE],timeoutSeconds:waitSeconds+300}}function planServerDown(w,namespace){let n=serverNames(w);return{name:`workload-${w.id}-server-down`,body:llm_server_down_default,env:{NAMESPACE:namespace,NAME:n.server,TOKEN_SECRET:n.tokenSecret,TIMEOUT_SECONDS:"180"},timeoutSeconds:400}}function planBench(w,rate,trial,index,namespace){let n=serverNames(w),jobName=kubeName("vllm-bench",w.id,`t${trial}`,`p${index}`),waitSeconds=w.benchTimeoutMinutes*60,manifest=renderManifest(vllm_bench_job_default,{namespace,name:jobName,workloadId:w.id,image:vllmImage(w),args:benchArgs(w,rate,`http://${n.server}.${namespace}.svc:8000`),tokenSecret:n.tokenSecret,hfCacheHostPath:HF_CACHE_HOST_PATH,deadlineSeconds:waitSeconds+120});return{jobName,script:jobScript({name:`workload-${w.id}-bench-${rate==="inf"?"max":rate}-t${trial}`,namespace,jobName,manifest,waitSeconds})}}function noRequestCompleted(p){return!(p.completed>0)}function requestFailurePercent(p){if(p.failed===null)return null;let sent=p.completed+p.failed;return sent>0?p.failed/sent*100:null}var MAX_FAILED_REQUEST_PERCENT=50,BenchWindow=external_exports.object({start:external_exports.number(),end:external_exports.number()});function benchWindow(stdout,durationS){let line=markedLines(stdout,MARK.vllmWindow).at(-1),parsed=line===void 0?void 0:BenchWindow.safeParse(safeJson2(line));if(!parsed?.success||!(parsed.data.end>parsed.data.start))return;let{start,end}=parsed.data;return{start:Number.isFinite(durationS)&&durationS>0?Math.max(start,end-durationS):start,end}}async function runLlmServing(remote,w,ctx){let namespace=ctx.namespace??WORKLOAD_NAMESPACE,startedAt=new Date(ctx.clock.now()).toISOString(),dtype=effectiveDtype(w,ctx.gpu?.computeCapability,ctx.gpu?.name),dtypeNote=autoDtypeNote(w,ctx.gpu?.computeCapability,ctx.gpu?.name);dtypeNote&&ctx.log.warning(`${w.id}: ${dtypeNote}`),ctx.hfToken&&ctx.log.mask(ctx.hfToken);let points=loadPoints(w),runs=[],failure2;try{let up=await remote(planServerUp(w,dtype,namespace,ctx.hfToken)),server=lastMarked(up.stdout,MARK.server,ServerOutcome);if(!server)throw new WorkloadOutputError("the server setup step printed no outcome");if(server.outcome!=="ready")failure2=`The vLLM server for ${w.model} did not become ready: ${OUTCOME_WORDS[server.outcome]??server.outcome} after ${server.seconds}s.${logTail(up.stderr)}`;else{ctx.log.info(`${w.id}: vLLM server ready in ${server.seconds}s (${w.model}, dtype ${dtype})`);for(let trial=1;trial<=w.trials;trial++)for(let[index,rate]of points.entries())runs.push(await runPoint(remote,w,rate,trial,index,namespace,ctx))}}catch(error){if(!(error instanceof RemoteScriptError||error instanceof WorkloadOutputError))throw error;failure2=describeError(error)}finally{try{await remote(planServerDown(w,namespace))}catch(error){ctx.log.warning(`${w.id}: stopping the vLLM server failed; the instance is terminated anyway: ${describeError(error)}`)}}let endedAt=new Date(ctx.clock.now()).toISOString();return llmResult(w,dtype,runs,failure2,{startedAt,endedAt},dtypeNote)}async function runPoint(remote,w,rate,trial,index,namespace,ctx){let label3=rateLabel(rate),{script}=planBench(w,rate,trial,index,namespace);try{let result=await remote(script),job=lastMarked(result.stdout,MARK.job,JobOutcome),file=markedLines(result.stdout,MARK.vllmResult).at(-1);if(file===void 0){let why=job?OUTCOME_WORDS[job.outcome]??job.outcome:"the step printed no outcome";return{trial,rate,error:`load point ${label3} (trial ${trial}) produced no result: ${why}.${logTail(result.stderr)}`}}let point=parseVllmResult(file,rate);if(noRequestCompleted(point)){let of=point.numPrompts!==null?` of ${point.numPrompts}`:"";return{trial,rate,error:`load point ${label3} (trial ${trial}) failed: no request completed (${point.failed??"all"}${of} failed); its latencies and throughputs are not measurements and were left out.${logTail(result.stderr)}`}}ctx.log.info(`${w.id}: ${label3}: ${point.requestThroughput.toFixed(2)} req/s, ${point.outputThroughput.toFixed(0)} output tok/s, TTFT p99 ${point.ttft.p99.toFixed(1)} ms`);let window=benchWindow(result.stdout,point.durationS);return{trial,rate,point,...window?{window}:{}}}catch(error){if(error instanceof RemoteScriptError||error instanceof VllmResultError||error instanceof WorkloadOutputError)return{trial,rate,error:`load point ${label3} (trial ${trial}): ${describeError(error)}`};throw error}}function rateLabel(rate){return rate==="inf"?"max throughput":`${rate} req/s`}function rateKey(rate){return rate==="inf"?"max":`${rate}rps`}function llmResult(w,dtype,runs,failure2,times,dtypeNote){let ok=runs.filter(r=>r.point!==void 0),errors=runs.filter(r=>r.error).map(r=>r.error),points=loadPoints(w),metrics=[],headlineLatencyRate=points.filter(p=>p!=="inf").at(-1);for(let rate of points){let at=ok.filter(r=>r.rate===rate).map(r=>r.point);if(at.length===0)continue;let key=rateKey(rate),requestRate=rate==="inf"?"max":rate,add=(spec,f)=>{let values=at.map(f).filter(v=>v!==null&&Number.isFinite(v));values.length>0&&metrics.push(metric({...spec,name:`${spec.name}@${key}`,requestRate},values))},latencyHeadline=rate===headlineLatencyRate;add({name:"output_throughput",label:"Output tokens/s",unit:"tok/s",direction:"higher",headline:rate==="inf"},p=>p.outputThroughput),add({name:"request_throughput",label:"Requests/s",unit:"req/s",direction:"higher"},p=>p.requestThroughput),add({name:"request_goodput",label:"Goodput",unit:"req/s",direction:"higher"},p=>p.requestGoodput);for(let[m,label3]of[["ttft","TTFT"],["tpot","TPOT"],["itl","ITL"]])add({name:`${m}_mean_ms`,label:`${label3} mean`,unit:"ms",direction:"lower"},p=>p[m].mean),add({name:`${m}_median_ms`,label:`${label3} median`,unit:"ms",direction:"lower"},p=>p[m].median),add({name:`${m}_p99_ms`,label:`${label3} p99`,unit:"ms",direction:"lower",headline:latencyHeadline&&m!=="itl"},p=>p[m].p99);add({name:"request_failure_percent",label:"Failed requests",unit:"%",direction:"lower"},requestFailurePercent)}let failedRequests=ok.filter(r=>(r.point.failed??0)>0).map(r=>`${r.point.failed} of ${r.point.completed+r.point.failed} (${percent2(requestFailurePercent(r.point))}) at ${rateLabel(r.rate)}`),sent=ok.reduce((n,r)=>n+r.point.completed+(r.point.failed??0),0),failedTotal=ok.reduce((n,r)=>n+(r.point.failed??0),0),mostlyFailed=sent>0&&failedTotal/sent*100>MAX_FAILED_REQUEST_PERCENT,status="ok",notes=[];failure2&&notes.push(failure2),notes.push(...errors),dtypeNote&&notes.push(dtypeNote),(failure2||errors.length>0||ok.length===0||mostlyFailed)&&(status="failed"),failedRequests.length>0&&notes.push(`requests failed: ${failedRequests.join(", ")}`),mostlyFailed&&notes.push(`${percent2(failedTotal/sent*100)} of the requests failed (more than ${MAX_FAILED_REQUEST_PERCENT}%): the workload is not ok`);let message=notes.length>0?notes.join(`
`):void 0;return{id:w.id,kind:"llm-serving",parameters:{model:w.model,...w.revision?{revision:w.revision}:{},dtype,maxModelLen:w.maxModelLen,numPrompts:w.numPrompts,inputLen:w.inputLen,outputLen:w.outputLen,requestRates:points.map(String).join(","),seed:w.seed,...w.maxConcurrency!==void 0?{maxConcurrency:w.maxConcurrency}:{},...w.slo.ttftMs!==void 0?{sloTtftMs:w.slo.ttftMs}:{},...w.slo.tpotMs!==void 0?{sloTpotMs:w.slo.tpotMs}:{},...w.slo.e2elMs!==void 0?{sloE2elMs:w.slo.e2elMs}:{},image:vllmImage(w)},status,...message?{message}:{},metrics,trials:ok.map(r=>pointRecord(r.trial,r.point,r.window)),...times}}function pointRecord(trial,p,window){let flat={...window?{window_start_unix:window.start,window_end_unix:window.end}:{},trial,request_rate:p.requestRate==="inf"?"max":p.requestRate,completed:p.completed,failed:p.failed,duration_s:p.durationS,request_throughput:p.requestThroughput,output_throughput:p.outputThroughput,total_token_throughput:p.totalTokenThroughput,request_goodput:p.requestGoodput,total_input_tokens:p.totalInputTokens,total_output_tokens:p.totalOutputTokens,format:p.format};for(let m of["ttft","tpot","itl","e2el"]){let s=p[m];s&&(flat[`${m}_mean_ms`]=s.mean,flat[`${m}_median_ms`]=s.median,flat[`${m}_p90_ms`]=s.p90,flat[`${m}_p99_ms`]=s.p99)}return flat}function percent2(value){return`${Number(value.toPrecision(3))}%`}function describeError(error){return error instanceof RemoteScriptError||error instanceof Error?error.message:String(error)}function logTail(stderr){let t=tail(stderr,8);return t?`
${t}`:""}var resnet50_default=`"""ResNet50 throughput benchmark: synthetic data on the device, training or inference.

Runs in a stock PyTorch CUDA image (delivered through a ConfigMap) and, for tests, on a CPU with
whatever torch is installed (1.13 and 2.x). Prints one JSON object per line on stdout, each with a
"record" key: "trial" (one per timed trial), "oom", "unsupported", "error" and a last "done".
Everything meant for people goes to stderr.

What is timed: only the timed steps of each trial, between two device synchronizations. Model
build, torch.compile (measured on its own), warm-up and the out-of-memory search never are.
Throughput = images in the timed steps / wall time of the timed window. Per-step times come from
CUDA events (no host sync per step) on a GPU and from the host clock on a CPU.
"""

import argparse
import gc
import json
import math
import os
import re
import sys
import time

SCRIPT_STARTED = time.perf_counter()

# Model FLOPs per image at 224x224 (multiply-add = 2 FLOPs): ResNet50 forward ~4.1 GMAC = 8.2 GFLOP;
# a training step (forward + backward for activations and weights) ~3x forward = 24.5 GFLOP.
# Convolution FLOPs scale with the image area, so other sizes scale by (size / 224)^2.
GFLOP_PER_IMAGE = {"train": 24.5, "inference": 8.2}

# Peak dense (no structured sparsity) TFLOP/s per GPU and precision. fp32 is the non-tensor-core rate
# (tf32 disabled), tf32/fp16/bf16 the tensor-core rates. None: the GPU has no such unit.
# Sources: NVIDIA datasheets \u2014 T4 (Tesla T4 datasheet: 8.1 FP32, 65 FP16 mixed precision);
# A10 (A10 datasheet: 31.2 / 62.5 / 125); A100 (A100 datasheet: 19.5 / 156 / 312);
# L4 (L4 datasheet: 30.3 / 120* / 242*, * = with sparsity, halved here);
# L40S (L40S datasheet: 91.6 / 366* / 733*, halved); H100 SXM, PCIe and NVL (H100 datasheet:
# 67 / 989* / 1979*, 51 / 756* / 1513*, 60 / 835* / 1671*, halved); H200 SXM and NVL (H200 datasheet,
# same tensor rates as H100 SXM and NVL); V100 SXM2 (V100 datasheet: 15.7, 125 tensor).
# A10G (AWS g5): NVIDIA publishes no datasheet; figures from Baseten, "NVIDIA A10 vs A10G for ML
# model inference" (35 FP32, 35 TF32, 70 FP16/BF16 tensor).
PEAK_TFLOPS = [
    # (name pattern, label, {precision: TFLOP/s})
    (r"\\bT4\\b", "NVIDIA T4", {"fp32": 8.1, "tf32": None, "fp16": 65.0, "bf16": None}),
    (r"\\bA10G\\b", "NVIDIA A10G", {"fp32": 35.0, "tf32": 35.0, "fp16": 70.0, "bf16": 70.0}),
    (r"\\bA10\\b", "NVIDIA A10", {"fp32": 31.2, "tf32": 62.5, "fp16": 125.0, "bf16": 125.0}),
    (r"\\bL40S\\b", "NVIDIA L40S", {"fp32": 91.6, "tf32": 183.0, "fp16": 362.05, "bf16": 362.05}),
    (r"\\bL4\\b", "NVIDIA L4", {"fp32": 30.3, "tf32": 60.0, "fp16": 121.0, "bf16": 121.0}),
    (r"\\bA100\\b", "NVIDIA A100", {"fp32": 19.5, "tf32": 156.0, "fp16": 312.0, "bf16": 312.0}),
    (r"\\bH100\\b.*\\bPCIe\\b", "NVIDIA H100 PCIe", {"fp32": 51.0, "tf32": 378.0, "fp16": 756.5, "bf16": 756.5}),
    (r"\\bH100\\b.*\\bNVL\\b", "NVIDIA H100 NVL", {"fp32": 60.0, "tf32": 417.5, "fp16": 835.5, "bf16": 835.5}),
    (r"\\bH100\\b", "NVIDIA H100 SXM", {"fp32": 67.0, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5}),
    (r"\\bH200\\b.*\\bNVL\\b", "NVIDIA H200 NVL", {"fp32": 60.0, "tf32": 417.5, "fp16": 835.5, "bf16": 835.5}),
    (r"\\bH200\\b", "NVIDIA H200 SXM", {"fp32": 67.0, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5}),
    (r"\\bV100\\b", "NVIDIA V100 SXM2", {"fp32": 15.7, "tf32": None, "fp16": 125.0, "bf16": None}),
]

PRECISIONS = ("auto", "fp32", "tf32", "fp16", "bf16")
MAX_STEP_TIMES = 500


class SimulatedOutOfMemory(RuntimeError):
    """Raised by the test knob --simulate-oom-above; handled exactly like a real CUDA OOM."""


class Unsupported(Exception):
    """The requested configuration cannot run here (e.g. bf16 on a T4); reported, not crashed."""


def emit(record):
    print(json.dumps(_finite(record), allow_nan=False, separators=(",", ":")), flush=True)


def note(message):
    print(f"[resnet50] {message}", file=sys.stderr, flush=True)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text):
    if not re.fullmatch(r"\\d+", text or ""):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def parse_args(argv):
    p = argparse.ArgumentParser(description="ResNet50 throughput on synthetic data (JSON lines on stdout).")
    p.add_argument("--mode", choices=("train", "inference"), default="train")
    p.add_argument("--batch-size", type=positive_int, default=128)
    p.add_argument("--image-size", type=positive_int, default=224)
    p.add_argument("--warmup-steps", type=non_negative_int, default=10)
    p.add_argument("--steps", type=positive_int, default=50, help="timed steps per trial")
    p.add_argument("--trials", type=positive_int, default=3)
    p.add_argument("--precision", choices=PRECISIONS, default="auto")
    p.add_argument("--channels-last", dest="channels_last", action="store_true", default=True)
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (torch >= 2); compile time is reported apart")
    p.add_argument("--compile-mode", default="default", choices=("default", "reduce-overhead", "max-autotune"))
    p.add_argument("--threads", type=positive_int, default=None, help="CPU threads for torch (intra-op)")
    p.add_argument("--find-max-batch", action="store_true", help="on out-of-memory, search the largest batch that fits and run at it")
    p.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    p.add_argument("--num-classes", type=positive_int, default=1000)
    p.add_argument("--seed", type=non_negative_int, default=0)
    p.add_argument(
        "--run-seconds",
        type=float,
        default=None,
        help="instead of timed trials: after warm-up, train for this long, printing images done once a second (fault scenarios)",
    )
    p.add_argument(
        "--simulate-oom-above",
        type=positive_int,
        default=_env_int("GPU_BENCH_SIMULATE_OOM_ABOVE"),
        help="test knob: behave as if batches larger than N ran out of device memory",
    )
    p.add_argument(
        "--simulate-oom-text",
        default=os.environ.get("GPU_BENCH_SIMULATE_OOM_TEXT") or None,
        help="test knob: the simulated out-of-memory is a RuntimeError with this text (a cuDNN or cuBLAS spelling)",
    )
    return p.parse_args(argv)


def _env_int(name):
    raw = os.environ.get(name, "")
    return int(raw) if re.fullmatch(r"[1-9]\\d*", raw) else None


# How PyTorch says a batch did not fit in GPU memory, as reported in public issues: the caching
# allocator's "CUDA out of memory", cuDNN's and cuBLAS's own allocation failures, cuDNN's algorithm
# search finding no algorithm whose workspace fits (cudnn.benchmark), and cublasCreate failing to
# allocate its handle. "an illegal memory access" is a bug, not a full GPU. Mirrored in
# src/workloads/resnet50.ts (isGpuOutOfMemory); test/real-world/resnet50.test.ts keeps them equal.
OOM_PATTERNS = (
    re.compile(r"out of memory", re.IGNORECASE),
    re.compile(r"can't allocate memory", re.IGNORECASE),
    re.compile(r"CUDNN_STATUS_ALLOC_FAILED|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_NOT_ENOUGH_WORKSPACE"),
    re.compile(r"Unable to find a valid cuDNN algorithm"),
    re.compile(r"CUBLAS_STATUS_NOT_INITIALIZED when calling \`cublasCreate"),
)


def is_oom_text(text):
    return any(p.search(text) for p in OOM_PATTERNS)


def is_oom(error):
    if isinstance(error, SimulatedOutOfMemory):
        return True
    import torch

    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and is_oom_text(str(error))


def percentile(sorted_values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def peak_for(gpu_name):
    for pattern, label, peaks in PEAK_TFLOPS:
        if gpu_name and re.search(pattern, gpu_name):
            return label, peaks
    return None, None


class Environment:
    def __init__(self, args):
        import torch

        self.torch = torch
        self.device_type = "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
        if self.device_type == "cuda" and not torch.cuda.is_available():
            raise Unsupported("--device cuda was asked for, but torch sees no CUDA device")
        self.device = torch.device(self.device_type)
        if args.threads:
            torch.set_num_threads(args.threads)
        if self.device_type == "cuda":
            props = torch.cuda.get_device_properties(0)
            self.gpu_name = props.name
            self.capability = (props.major, props.minor)
            self.memory_mib = round(props.total_memory / 2**20)
        else:
            self.gpu_name = None
            self.capability = None
            self.memory_mib = None
        self.peak_label, self.peaks = peak_for(self.gpu_name)

    @property
    def capability_text(self):
        return f"{self.capability[0]}.{self.capability[1]}" if self.capability else None

    def describe(self):
        torch = self.torch
        return {
            "device": self.device_type,
            "gpu_name": self.gpu_name,
            "compute_capability": self.capability_text,
            "gpu_memory_mib": self.memory_mib,
            "torch_version": torch.__version__,
            "cuda_version": torch.version.cuda,
            "cudnn_version": torch.backends.cudnn.version() if self.device_type == "cuda" else None,
            "threads": torch.get_num_threads(),
        }


def resolve_precision(env, requested):
    """Returns (precision, autocast dtype or None, use GradScaler, notes)."""
    torch = env.torch
    notes = []
    cuda = env.device_type == "cuda"
    precision = requested
    if requested == "auto":
        if cuda:
            precision = "bf16" if env.capability >= (8, 0) else "fp16"
        else:
            precision = "fp32"
            notes.append("auto precision on CPU is fp32")
    if precision == "bf16" and cuda and env.capability < (8, 0):
        raise Unsupported(f"bf16 needs compute capability 8.0 or newer; {env.gpu_name} is {env.capability_text}: use fp16 or auto")
    if precision == "tf32" and cuda and env.capability < (8, 0):
        raise Unsupported(f"tf32 needs compute capability 8.0 or newer; {env.gpu_name} is {env.capability_text}: use fp32 or auto")
    if precision == "fp16" and not cuda:
        raise Unsupported("fp16 autocast runs on CUDA devices only; on CPU use bf16 or fp32")
    if precision == "tf32" and not cuda:
        notes.append("tf32 is a tensor-core mode of NVIDIA GPUs; on CPU it is plain fp32")
        precision = "fp32"

    if cuda:
        # cuDNN allows TF32 convolutions by default: fp32 must switch it off to really be fp32.
        tf32 = precision != "fp32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cudnn.benchmark = True
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    return precision, dtype, precision == "fp16", notes


class Bench:
    """One model, optimizer and synthetic batch at one batch size; rebuilt after an out-of-memory."""

    def __init__(self, env, args, batch_size, precision, dtype, use_scaler):
        torch = env.torch
        import torchvision

        self.env = env
        self.args = args
        self.batch_size = batch_size
        self.dtype = dtype
        self.training = args.mode == "train"
        if args.simulate_oom_above and batch_size > args.simulate_oom_above:
            if args.simulate_oom_text:
                raise RuntimeError(args.simulate_oom_text)
            raise SimulatedOutOfMemory(
                f"CUDA out of memory (simulated). Tried to allocate a batch of {batch_size} above the simulated limit of {args.simulate_oom_above}"
            )
        started = time.perf_counter()
        torch.manual_seed(args.seed)
        memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
        model = torchvision.models.resnet50(num_classes=args.num_classes)
        model = model.to(env.device, memory_format=memory_format)
        model.train(self.training)
        self.model = model
        self.forward = model
        self.images = torch.randn(batch_size, 3, args.image_size, args.image_size, device=env.device).contiguous(
            memory_format=memory_format
        )
        self.labels = torch.randint(0, args.num_classes, (batch_size,), device=env.device)
        self.criterion = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4) if self.training else None
        self.scaler = make_grad_scaler(torch) if (use_scaler and self.training) else None
        self.last_loss = None
        self.build_s = time.perf_counter() - started
        self.probe_s = None

    def compile(self, mode):
        self.forward = self.env.torch.compile(self.model, mode=None if mode == "default" else mode)

    def autocast(self):
        torch = self.env.torch
        if self.dtype is None:
            return _NullContext()
        return torch.autocast(device_type=self.env.device_type, dtype=self.dtype)

    def step(self):
        torch = self.env.torch
        if not self.training:
            with torch.inference_mode(), self.autocast():
                self.forward(self.images)
            return
        self.optimizer.zero_grad(set_to_none=True)
        with self.autocast():
            loss = self.criterion(self.forward(self.images), self.labels)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        self.last_loss = loss

    def sync(self):
        if self.env.device_type == "cuda":
            self.env.torch.cuda.synchronize()

    def run_steps(self, n):
        for _ in range(n):
            self.step()
        self.sync()

    def timed(self, steps):
        """Runs \`steps\` steps; returns (wall seconds, per-step milliseconds)."""
        torch = self.env.torch
        self.sync()
        if self.env.device_type == "cuda":
            marks = [torch.cuda.Event(enable_timing=True) for _ in range(steps + 1)]
            started = time.perf_counter()
            marks[0].record()
            for i in range(steps):
                self.step()
                marks[i + 1].record()
            torch.cuda.synchronize()
            wall = time.perf_counter() - started
            per_step = [marks[i].elapsed_time(marks[i + 1]) for i in range(steps)]
        else:
            per_step = []
            started = time.perf_counter()
            for _ in range(steps):
                t = time.perf_counter()
                self.step()
                per_step.append((time.perf_counter() - t) * 1000.0)
            wall = time.perf_counter() - started
        return wall, per_step

    def loss_value(self):
        return float(self.last_loss.detach().float().item()) if self.last_loss is not None else None

    def close(self):
        for name in ("forward", "model", "images", "labels", "optimizer", "scaler", "last_loss"):
            setattr(self, name, None)


def make_grad_scaler(torch):
    """Loss scaling for fp16: torch.amp.GradScaler("cuda") from torch 2.3, torch.cuda.amp before."""
    amp_scaler = getattr(getattr(torch, "amp", None), "GradScaler", None)
    if amp_scaler is not None:
        return amp_scaler("cuda")
    return torch.cuda.amp.GradScaler()


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def release_memory(env):
    gc.collect()
    if env.device_type == "cuda":
        env.torch.cuda.empty_cache()


def try_batch(env, args, batch_size, precision, dtype, use_scaler, probe_steps=2):
    """Builds a Bench at this batch size and runs a few steps. Returns (bench or None, OOM message or None)."""
    bench = None
    message = None
    try:
        bench = Bench(env, args, batch_size, precision, dtype, use_scaler)
        started = time.perf_counter()
        bench.run_steps(probe_steps)
        bench.probe_s = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001 - only out-of-memory is handled here
        if not is_oom(error):
            raise
        message = str(error).strip().splitlines()[0][:300]
    if message is not None:
        if bench is not None:
            bench.close()
        bench = None
        release_memory(env)
    return bench, message


def find_max_batch(env, args, failed_at, precision, dtype, use_scaler):
    """Largest batch below \`failed_at\` that runs: halve until one fits, then bisect. Returns (bench, batch)."""
    lo_bench, lo = None, None
    candidate = failed_at // 2
    while candidate >= 1:
        bench, message = try_batch(env, args, candidate, precision, dtype, use_scaler)
        if message is None:
            lo_bench, lo = bench, candidate
            break
        failed_at = candidate
        candidate //= 2
    if lo is None:
        return None, None
    hi = failed_at
    # Bisect to within 1/16 of the fitting size; exact batch sizes beyond that buy nothing.
    while hi - lo > max(1, lo // 16):
        mid = (lo + hi) // 2
        lo_bench.close()
        release_memory(env)
        bench, message = try_batch(env, args, mid, precision, dtype, use_scaler)
        if message is None:
            lo_bench, lo = bench, mid
        else:
            hi = mid
            lo_bench, _ = try_batch(env, args, lo, precision, dtype, use_scaler)
            if lo_bench is None:
                return None, None
    return lo_bench, lo


def base_record(env, args, precision, batch_size):
    record = {
        "workload": "resnet50",
        "mode": args.mode,
        "precision": precision,
        "precision_requested": args.precision,
        "batch_size": batch_size,
        "image_size": args.image_size,
        "channels_last": args.channels_last,
    }
    record.update(env.describe())
    return record


def peak_memory_mib(env):
    torch = env.torch
    if env.device_type == "cuda":
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)  # Linux: KiB


def run(args):
    import_started = time.perf_counter()
    import torch  # noqa: F401 - timed here so the overhead report can show it
    import torchvision  # noqa: F401

    import_s = time.perf_counter() - import_started
    env = Environment(args)
    note(f"device {env.device_type}{' ' + env.gpu_name if env.gpu_name else ''}, torch {torch.__version__}")
    try:
        precision, dtype, use_scaler, notes = resolve_precision(env, args.precision)
    except Unsupported as error:
        emit({"record": "unsupported", "status": "unsupported", **base_record(env, args, args.precision, args.batch_size), "message": str(error)})
        return 4

    compile_status = "off"
    if args.compile and not hasattr(torch, "compile"):
        compile_status = f"unavailable: torch {torch.__version__} has no torch.compile (needs torch 2.0 or newer); ran eager"
        notes.append(compile_status)
        note(compile_status)

    batch_size = args.batch_size
    # One untimed step proves the batch fits (activations are allocated there, not at build).
    bench, oom_message = try_batch(env, args, batch_size, precision, dtype, use_scaler, probe_steps=1)
    build_s = bench.build_s if bench else None
    first_step_s = bench.probe_s if bench else None
    search_s = 0.0
    if oom_message is not None:
        record = {"record": "oom", "status": "oom", **base_record(env, args, precision, batch_size), "message": oom_message}
        if not args.find_max_batch:
            record["max_batch_size_fit"] = None
            record["hint"] = "run with --find-max-batch to search the largest batch that fits, or lower the batch size"
            emit(record)
            return 0
        search_started = time.perf_counter()
        bench, fit = find_max_batch(env, args, batch_size, precision, dtype, use_scaler)
        search_s = time.perf_counter() - search_started
        record["max_batch_size_fit"] = fit
        record["search_s"] = round(search_s, 3)
        emit(record)
        if bench is None:
            return 0
        note(f"batch {batch_size} did not fit; running at {fit}, the largest that did")
        batch_size = fit
        build_s, first_step_s = bench.build_s, bench.probe_s

    compile_s = None
    if args.compile and hasattr(torch, "compile"):
        bench.compile(args.compile_mode)
        started = time.perf_counter()
        bench.run_steps(1)  # compilation happens lazily, on the first call (forward and backward)
        compile_s = time.perf_counter() - started
        compile_status = "compiled"

    if args.run_seconds is not None:
        bench.run_steps(args.warmup_steps)
        return run_for(bench, batch_size, args.run_seconds)

    flop_scale = (args.image_size / 224.0) ** 2
    gflop_per_image = GFLOP_PER_IMAGE[args.mode] * flop_scale
    peak = env.peaks.get(precision) if env.peaks else None
    for trial in range(1, args.trials + 1):
        if env.device_type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        warm_started = time.perf_counter()
        bench.run_steps(args.warmup_steps)
        warmup_s = time.perf_counter() - warm_started
        # The timed window on the host's clock, for lining it up with the GPU telemetry samples.
        window_start = time.time()
        wall, per_step = bench.timed(args.steps)
        window_end = time.time()
        ordered = sorted(per_step)
        images = batch_size * args.steps
        images_per_sec = images / wall
        achieved_tflops = images_per_sec * gflop_per_image / 1000.0
        record = {
            "record": "trial",
            "status": "ok",
            "trial": trial,
            "trials": args.trials,
            **base_record(env, args, precision, batch_size),
            "batch_size_requested": args.batch_size,
            "amp": dtype is not None,
            "grad_scaler": bench.scaler is not None,
            "compile": compile_status,
            "compile_s": round(compile_s, 3) if compile_s is not None else None,
            "warmup_steps": args.warmup_steps,
            "steps": args.steps,
            "images": images,
            "elapsed_s": round(wall, 6),
            "window_start_unix": round(window_start, 6),
            "window_end_unix": round(window_end, 6),
            "warmup_s": round(warmup_s, 6),
            "images_per_sec": round(images_per_sec, 3),
            "step_time_mean_ms": round(sum(per_step) / len(per_step), 4),
            "step_time_p50_ms": round(percentile(ordered, 0.5), 4),
            "step_time_p90_ms": round(percentile(ordered, 0.9), 4),
            "step_time_p99_ms": round(percentile(ordered, 0.99), 4),
            "step_time_min_ms": round(ordered[0], 4),
            "step_time_max_ms": round(ordered[-1], 4),
            # Every step's time, for the record; long runs keep their percentiles only.
            "step_times_ms": [round(t, 4) for t in per_step] if len(per_step) <= MAX_STEP_TIMES else None,
            "peak_memory_mib": peak_memory_mib(env),
            "peak_memory_source": "torch.cuda.max_memory_allocated" if env.device_type == "cuda" else "process max RSS",
            "gflop_per_image": round(gflop_per_image, 4),
            "achieved_tflops": round(achieved_tflops, 6),
            "peak_tflops": peak,
            "peak_gpu": env.peak_label,
            "mfu": round(achieved_tflops / peak, 6) if peak else None,
            "loss": bench.loss_value(),
            "notes": notes,
        }
        emit(record)
        note(f"trial {trial}/{args.trials}: {images_per_sec:.1f} images/s, p50 step {record['step_time_p50_ms']:.2f} ms")

    emit(
        {
            "record": "done",
            "status": "ok",
            "import_s": round(import_s, 6),
            "build_s": round(build_s, 6) if build_s is not None else None,
            "first_step_s": round(first_step_s, 6) if first_step_s is not None else None,
            "search_s": round(search_s, 6),
            "compile_s": round(compile_s, 6) if compile_s is not None else None,
            "script_s": round(time.perf_counter() - SCRIPT_STARTED, 6),
        }
    )
    return 0


def run_for(bench, batch_size, seconds):
    """Steps until \`seconds\` have passed, synchronizing each one, and prints the cumulative images
    done at most once a second: {"record": "progress", "t": <epoch seconds>, "images": n, "steps": n}.
    A fault scenario reads images/s around its injection from these."""
    started = time.time()
    images = steps = 0
    emit({"record": "progress", "t": round(started, 3), "images": 0, "steps": 0})
    last = started
    while True:
        now = time.time()
        if now - started >= seconds:
            break
        bench.step()
        bench.sync()
        images += batch_size
        steps += 1
        now = time.time()
        if now - last >= 1.0:
            emit({"record": "progress", "t": round(now, 3), "images": images, "steps": steps})
            last = now
    emit({"record": "progress", "t": round(time.time(), 3), "images": images, "steps": steps})
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except Exception as error:  # noqa: BLE001 - one clear record instead of a bare stack trace on stdout
        import traceback

        traceback.print_exc(file=sys.stderr)
        message = f"{type(error).__name__}: {error}"[:500]
        if is_oom(error):
            # Out of memory after the probe step (a later allocation, torch.compile's autotuning): still out-of-memory.
            emit({"record": "error", "status": "oom", "mode": args.mode, "batch_size": args.batch_size, "message": message})
            return 1
        emit({"record": "error", "status": "failed", "mode": args.mode, "batch_size": args.batch_size, "message": message})
        return 1


if __name__ == "__main__":
    sys.exit(main())
`;var resnet50_job_default=`# ResNet50 benchmark as a Kubernetes Job. The script travels in a ConfigMap, so the image is a stock
# PyTorch CUDA image: nothing to build or push. The double-brace placeholders are filled by
# src/workloads/manifest.ts with JSON values (valid YAML), never pasted as raw text.
apiVersion: v1
kind: Namespace
metadata:
  name: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
data:
  resnet50.py: {{ script }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
spec:
  # One attempt: a retry would hide a crash and skew the trial count.
  backoffLimit: 0
  activeDeadlineSeconds: {{ deadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/managed-by: gpu-bench
        gpu-bench/workload: {{ workloadId }}
    spec:
      restartPolicy: Never
      runtimeClassName: nvidia
      containers:
        - name: resnet50
          image: {{ image }}
          imagePullPolicy: IfNotPresent
          command: ["python", "-u", "/workload/resnet50.py"]
          args: {{ args }}
          env:
            - name: PYTHONUNBUFFERED
              value: "1"
          resources:
            limits:
              nvidia.com/gpu: 1
          volumeMounts:
            - name: script
              mountPath: /workload
              readOnly: true
            - name: shm
              mountPath: /dev/shm
      volumes:
        - name: script
          configMap:
            name: {{ name }}
        - name: shm
          emptyDir:
            medium: Memory
            sizeLimit: 2Gi
`;var ResNet50Trial=external_exports.looseObject({record:external_exports.literal("trial"),status:external_exports.literal("ok"),trial:external_exports.int().positive(),mode:external_exports.enum(["train","inference"]),precision:external_exports.enum(["fp32","tf32","fp16","bf16"]),precision_requested:external_exports.string(),batch_size:external_exports.int().positive(),image_size:external_exports.int().positive(),steps:external_exports.int().positive(),warmup_steps:external_exports.int().nonnegative(),device:external_exports.enum(["cuda","cpu"]),gpu_name:external_exports.string().nullable(),images_per_sec:external_exports.number().positive(),elapsed_s:external_exports.number().positive(),step_time_p50_ms:external_exports.number().positive(),step_time_p90_ms:external_exports.number().positive(),peak_memory_mib:external_exports.number().nonnegative(),mfu:external_exports.number().nonnegative().nullable(),peak_tflops:external_exports.number().positive().nullable(),achieved_tflops:external_exports.number().nonnegative(),compile:external_exports.string(),compile_s:external_exports.number().nonnegative().nullable(),channels_last:external_exports.boolean()}),ResNet50Oom=external_exports.looseObject({record:external_exports.literal("oom"),status:external_exports.literal("oom"),batch_size:external_exports.int().positive(),precision:external_exports.string(),device:external_exports.string(),gpu_name:external_exports.string().nullable(),message:external_exports.string(),max_batch_size_fit:external_exports.int().positive().nullable()}),ResNet50Problem=external_exports.looseObject({record:external_exports.enum(["unsupported","error"]),status:external_exports.enum(["unsupported","failed","oom"]),message:external_exports.string()}),GPU_OOM_PATTERNS=[/out of memory/i,/can't allocate memory/i,/CUDNN_STATUS_ALLOC_FAILED|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_NOT_ENOUGH_WORKSPACE/,/Unable to find a valid cuDNN algorithm/,/CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate/];function isGpuOutOfMemory(text){return GPU_OOM_PATTERNS.some(p=>p.test(text))}var ResNet50Done=external_exports.looseObject({record:external_exports.literal("done"),import_s:external_exports.number(),build_s:external_exports.number().nullable(),script_s:external_exports.number()}),ResNet50Record=external_exports.discriminatedUnion("record",[ResNet50Trial,ResNet50Oom,ResNet50Problem,ResNet50Done]);function parseResNet50Lines(text){let records=[];for(let line of markedLines(text,MARK.json,{keepUnmarked:!0})){if(!line.startsWith('{"record":'))continue;let parsed=ResNet50Record.safeParse(safeJson2(line));if(!parsed.success)throw new WorkloadOutputError(`resnet50.py printed a record that does not match its schema (${parsed.error.issues.slice(0,5).map(i=>`${i.path.join(".")}: ${i.message}`).join("; ")}): ${line.slice(0,300)}`);records.push(parsed.data)}return records}function resnet50Args(w){return["--mode",w.mode,"--batch-size",String(w.batchSize),"--image-size",String(w.imageSize),"--warmup-steps",String(w.warmupSteps),"--steps",String(timedSteps(w)),"--trials",String(w.trials),"--precision",w.precision,w.channelsLast?"--channels-last":"--no-channels-last",...w.compile?["--compile"]:[],...w.findMaxBatch?["--find-max-batch"]:[]]}function resnet50Image(w){return w.image??(w.compile?IMAGES.pytorchDevel:IMAGES.pytorch)}function planResNet50(w,namespace=WORKLOAD_NAMESPACE,faultRun){let jobName=faultRun?kubeName("rn50",w.id,"faults"):kubeName("rn50",w.id),waitSeconds=faultRun?Math.ceil(faultRun.runSeconds)+w.timeoutMinutes*60:w.timeoutMinutes*60,manifest=renderManifest(resnet50_job_default,{namespace,name:jobName,workloadId:w.id,script:resnet50_default,image:resnet50Image(w),args:faultRun?[...resnet50Args(w),"--trials","1","--run-seconds",String(Math.ceil(faultRun.runSeconds))]:resnet50Args(w),deadlineSeconds:waitSeconds+120});return{jobName,script:jobScript({name:faultRun?`faults-${w.id}-train`:`workload-${w.id}`,namespace,jobName,manifest,waitSeconds})}}function resnet50Result(w,output,times){let records=parseResNet50Lines(output.stdout),job=lastMarked(output.stdout,MARK.job,JobOutcome),trials2=records.filter(r=>r.record==="trial"),oom=records.find(r=>r.record==="oom"),problem=records.find(r=>r.record==="unsupported"||r.record==="error"),first=trials2[0],image2=resnet50Image(w),parameters={mode:w.mode,batchSize:first?.batch_size??w.batchSize,imageSize:w.imageSize,precision:first?.precision??w.precision,channelsLast:w.channelsLast,compile:w.compile,steps:timedSteps(w),warmupSteps:w.warmupSteps,image:image2};first&&(parameters.device=first.device),first&&first.batch_size!==w.batchSize&&(parameters.batchSizeRequested=w.batchSize),w.precision!==parameters.precision&&(parameters.precisionRequested=w.precision);let status="ok",message,where=oom?.gpu_name??oom?.device??"the device",lateOom=problem?.record==="error"&&(problem.status==="oom"||isGpuOutOfMemory(problem.message));if(problem&&lateOom?(status="oom",message=`Ran out of GPU memory at batch ${w.batchSize} on ${where} after the first step fitted (${problem.message.split(`
`)[0]}); lower batchSize, or set findMaxBatch: true`):problem?(status=problem.record==="unsupported"?"skipped":"failed",message=problem.message):oom&&trials2.length===0?(status="oom",message=oom.max_batch_size_fit===null?`Batch ${oom.batch_size} does not fit in the memory of ${where} at ${oom.precision}`+(w.findMaxBatch?" and no smaller batch did either":"; lower batchSize, or set findMaxBatch: true to find the largest that fits"):`Batch ${oom.batch_size} does not fit in the memory of ${where}; the largest that fits is ${oom.max_batch_size_fit}`):oom&&(message=`Batch ${oom.batch_size} did not fit in the memory of ${where}; ran at ${oom.max_batch_size_fit}, the largest that did`),status==="ok"&&trials2.length<w.trials&&isGpuOutOfMemory(tail(output.stderr,20)))status="oom",message=`${trials2.length} of ${w.trials} trials finished: the GPU ran out of memory.${lastLog(output.stderr)}`;else if(status==="ok"&&trials2.length<w.trials){status="failed";let why=job&&job.outcome!=="succeeded"?OUTCOME_WORDS[job.outcome]:job?"the script ended early":"the step printed no outcome";message=`${trials2.length} of ${w.trials} trials finished: ${why}${job?.exitCode?` (exit code ${job.exitCode})`:""}.`+lastLog(output.stderr)}let compileNote=first&&w.compile&&first.compile!=="compiled"?first.compile:void 0;return compileNote&&(message=message?`${message}; ${compileNote}`:compileNote),{id:w.id,kind:"resnet50",parameters,status,...message?{message}:{},metrics:trials2.length>0?resnet50Metrics(trials2):[],trials:trials2.map(t=>({...t})),...times}}function resnet50Metrics(trials2){let values=f=>trials2.map(f).filter(v=>v!==null),metrics=[metric({name:"images_per_sec",label:"Throughput",unit:"images/s",direction:"higher",headline:!0},values(t=>t.images_per_sec)),metric({name:"step_time_p50_ms",label:"Step time p50",unit:"ms",direction:"lower"},values(t=>t.step_time_p50_ms)),metric({name:"step_time_p90_ms",label:"Step time p90",unit:"ms",direction:"lower"},values(t=>t.step_time_p90_ms))],mfu=values(t=>t.mfu===null?null:t.mfu*100);mfu.length===trials2.length&&metrics.push(metric({name:"mfu_percent",label:"Model FLOPs utilisation",unit:"%",direction:"higher"},mfu)),metrics.push(metric({name:"peak_memory_mib",label:"Peak memory",unit:"MiB",direction:"lower"},values(t=>t.peak_memory_mib)));let compile=trials2[0]?.compile_s;return compile!=null&&metrics.push(metric({name:"compile_s",label:"torch.compile time",unit:"s",direction:"lower"},[compile])),metrics}function lastLog(stderr){let t=tail(stderr,6);return t?`
${t}`:""}async function runResNet50(remote,workload,ctx){let startedAt=new Date(ctx.clock.now()).toISOString(),plan=planResNet50(workload,ctx.namespace);try{let output=await remote(plan.script),endedAt=new Date(ctx.clock.now()).toISOString(),result=resnet50Result(workload,output,{startedAt,endedAt}),ips=result.metrics.find(m=>m.name==="images_per_sec");return ips&&ctx.log.info(`${workload.id}: ${ips.summary.median.toFixed(1)} images/s median of ${ips.summary.n} trial(s) (${result.parameters.mode}, ${result.parameters.precision}, batch ${result.parameters.batchSize})`),result.status!=="ok"&&ctx.log.warning(`${workload.id}: ${result.status}: ${result.message??""}`),result}catch(error){if(!(error instanceof RemoteScriptError||error instanceof WorkloadOutputError))throw error;let endedAt=new Date(ctx.clock.now()).toISOString();return{id:workload.id,kind:"resnet50",parameters:{mode:workload.mode,batchSize:workload.batchSize,precision:workload.precision,image:resnet50Image(workload)},status:"failed",message:error.message,metrics:[],trials:[],startedAt,endedAt}}}var SLOWDOWN_SHARE_LIMIT=.05,LOW_CLOCK_RATIO=.8,BOARD_LIMIT_SHARE=.5,TIMELINE_POINTS=60;function integrate(points,a,b){let pts=points.filter(p=>Number.isFinite(p.t)&&Number.isFinite(p.v));if(pts.length===0||!(b>a))return 0;let first=pts[0],last=pts[pts.length-1],total=0;a<first.t&&(total+=first.v*(Math.min(b,first.t)-a)),b>last.t&&(total+=last.v*(b-Math.max(a,last.t)));for(let i=0;i+1<pts.length;i++){let p=pts[i],q=pts[i+1],lo=Math.max(a,p.t),hi=Math.min(b,q.t);if(hi<=lo||q.t<=p.t)continue;let at=t=>p.v+(q.v-p.v)*(t-p.t)/(q.t-p.t);total+=(at(lo)+at(hi))/2*(hi-lo)}return total}function inAny(t,windows,margin=0){return windows.some(w=>t>=w.start-margin&&t<=w.end+margin)}function ownPod(pod,prefixes){return pod!==""&&prefixes.some(p=>pod.startsWith(p))}function finite(values){return values.filter(Number.isFinite)}function maxOf(values){let f=finite(values);return f.length===0?Number.NaN:Math.max(...f)}function round(value,digits=3){return Number.isFinite(value)?Number(value.toFixed(digits)):value}function pct(share2){return`${(share2*100).toFixed(share2<.1?1:0)}%`}function windowSamples(gpu,windows){let chosen=new Set(gpu.filter(s=>inAny(s.t,windows)));for(let w of windows){if(gpu.some(s=>s.t>=w.start&&s.t<=w.end))continue;let mid=(w.start+w.end)/2,byGpu=new Map;for(let s of gpu){let best=byGpu.get(s.gpu);(!best||Math.abs(s.t-mid)<Math.abs(best.t-mid))&&byGpu.set(s.gpu,s)}for(let s of byGpu.values())chosen.add(s)}return gpu.filter(s=>chosen.has(s))}function summarizeTelemetry(samples,windows,options){let timed=windows.filter(w=>Number.isFinite(w.start)&&Number.isFinite(w.end)&&w.end>w.start);if(timed.length===0||samples.gpu.length===0)return;let interval=samples.intervalSeconds,uuidToIndex=new Map([...samples.uuids].map(([i,u])=>[u,i])),used=new Set;for(let p of samples.procs){let index=uuidToIndex.get(p.gpuUuid);index!==void 0&&ownPod(p.pod,options.ownPodPrefixes)&&used.add(index)}if(used.size===0)for(let s of samples.gpu)used.add(s.gpu);let gpus=[...used].sort((a,b)=>a-b),gpuRows=samples.gpu.filter(s=>used.has(s.gpu)),windowEnergy=w=>gpus.reduce((sum,g)=>sum+integrate(gpuRows.filter(s=>s.gpu===g).map(s=>({t:s.t,v:s.powerW})),w.start,w.end),0),perWindow=timed.map(w=>({...w,energyJoules:round(windowEnergy(w))})),energy=perWindow.reduce((s,w)=>s+w.energyJoules,0),seconds2=timed.reduce((s,w)=>s+(w.end-w.start),0),inside=windowSamples(gpuRows,timed),withReasons=inside.filter(s=>s.reasons!==null),share2=test=>withReasons.length===0?0:withReasons.filter(s=>test(s.reasons)).length/withReasons.length,throttleReasons={};for(let r of CLOCK_EVENT_REASONS){let s=share2(m=>(m&r.bit)!==0);s>0&&(throttleReasons[r.name]=round(s,4))}let foreign=new Map;for(let p of samples.procs)!inAny(p.t,timed,interval)||ownPod(p.pod,options.ownPodPrefixes)||foreign.set(p.pid,p.name||"unknown");let validity=[],explanations=[],slowdownBits=CLOCK_EVENT_REASONS.filter(r=>r.slowdown).reduce((m,r)=>m|r.bit,0),slowdown=share2(m=>(m&slowdownBits)!==0);if(slowdown>SLOWDOWN_SHARE_LIMIT){let names=[...new Set(withReasons.flatMap(s=>reasonNames(s.reasons&slowdownBits)))];validity.push(`hardware or thermal slowdown (${names.join(", ")}) active in ${pct(slowdown)} of the samples in the timed windows (limit ${pct(SLOWDOWN_SHARE_LIMIT)})`)}let smMedian=quantile(finite(inside.map(s=>s.smMHz)),.5),maxSm=maxOf(samples.gpu.map(s=>s.maxSmMHz))||Number.NaN,maxSmClock=Number.isFinite(maxSm)?maxSm:options.maxSmClockMHz,enforced=quantile(finite(inside.map(s=>s.enforcedLimitW)),.5),defaultLimit=quantile(finite(inside.map(s=>s.defaultLimitW)),.5),configuredCap=options.powerCapWatts??(Number.isFinite(enforced)&&Number.isFinite(defaultLimit)&&enforced<defaultLimit-1?enforced:void 0);if(configuredCap!==void 0&&explanations.push(`power capped at ${round(configuredCap,1)} W${Number.isFinite(defaultLimit)?` (default limit ${round(defaultLimit,1)} W)`:""}: lower clocks and power are expected, not a fault of the GPU`),maxSmClock!==void 0&&Number.isFinite(smMedian)&&smMedian<LOW_CLOCK_RATIO*maxSmClock){let boardLimit=share2(m=>(m&4)!==0)>=BOARD_LIMIT_SHARE,what=`SM clock median ${round(smMedian,0)} MHz is ${pct(smMedian/maxSmClock)} of the GPU's maximum ${round(maxSmClock,0)} MHz`;configuredCap!==void 0?explanations.push(`${what}: explained by the configured power cap`):boardLimit?explanations.push(`${what}: the GPU ran at its own power limit (sw_power_cap in most samples)`):validity.push(`${what} (below ${pct(LOW_CLOCK_RATIO)}) with no power cap explaining it`)}if(foreign.size>0){let list=[...foreign].map(([pid,name])=>`${name} (pid ${pid})`).join(", ");validity.push(`${foreign.size} other process${foreign.size===1?"":"es"} used the GPU during the timed windows: ${list}`)}let telemetry={source:samples.source,samples:inside.length,intervalSeconds:interval,powerWatts:{mean:round(seconds2>0?energy/seconds2:Number.NaN,2),max:round(maxOf(inside.map(s=>s.powerW)),2)},energyJoules:round(energy),smClockMHz:{median:round(smMedian,1),max:round(maxOf(inside.map(s=>s.smMHz)),1)},gpuUtilPercent:{mean:round(mean(finite(inside.map(s=>s.gpuUtil))),1)},memoryUsedMiB:{max:round(maxOf(inside.map(s=>s.memUsedMiB)),1)},temperatureC:{max:round(maxOf(inside.map(s=>s.tempC)),1)},throttleReasons,foreignProcesses:foreign.size,valid:validity.length===0,validity},detail={timeline:timeline(gpuRows,gpus,timed),windows:perWindow,gpus,...maxSmClock!==void 0?{maxSmClockMHz:maxSmClock}:{},...configuredCap!==void 0?{powerCapWatts:round(configuredCap,1)}:{},explanations};return{telemetry,detail}}function timeline(rows,gpus,windows){if(rows.length===0)return[];let t0=rows[0].t,t1=rows[rows.length-1].t,ticks=Math.max(1,Math.round(rows.length/Math.max(1,gpus.length))),buckets=Math.min(TIMELINE_POINTS,ticks),width=(t1-t0)/buckets||1,out=[];for(let b=0;b<buckets;b++){let lo=t0+b*width,hi=b===buckets-1?t1+1e-9:lo+width,inBucket=rows.filter(s=>s.t>=lo&&s.t<hi);if(inBucket.length===0)continue;let power=gpus.reduce((sum,g)=>{let p=finite(inBucket.filter(s=>s.gpu===g).map(s=>s.powerW));return sum+(p.length>0?mean(p):0)},0),mid=mean(inBucket.map(s=>s.t));out.push({t:round(mid,3),powerWatts:round(power,1),smClockMHz:round(mean(finite(inBucket.map(s=>s.smMHz))),0),inWindow:inAny(mid,windows)||inBucket.some(s=>inAny(s.t,windows))})}return out}function energyMetric(spec,values){return{...spec,trials:values,summary:summarize(values)}}function resnet50EnergyMetrics(detail,imagesPerTrial){let values=[];for(let w of detail.windows){let images=imagesPerTrial.get(w.trial);images&&images>0&&values.push(w.energyJoules/images)}return values.length===0?[]:[energyMetric({name:"joules_per_image",label:"Energy per image",unit:"J/image",direction:"lower",headline:!0},values)]}function servingEnergyMetrics(detail,tokens,pointLabel){let perToken=[],perWatt=[];for(let w of detail.windows){let n=tokens.get(w.label);!n||n<=0||w.energyJoules<=0||(perToken.push(w.energyJoules/n),perWatt.push(n/w.energyJoules))}return perToken.length===0?[]:[energyMetric({name:"joules_per_output_token",label:`Energy per output token (${pointLabel})`,unit:"J/token",direction:"lower",headline:!0},perToken),energyMetric({name:"output_tokens_per_second_per_watt",label:`Output tokens/s per watt (${pointLabel})`,unit:"tok/s/W",direction:"higher",headline:!1},perWatt)]}function ownPodPrefixes(w){return w.kind==="resnet50"?[`${kubeName("rn50",w.id)}-`]:[`${kubeName("vllm",w.id)}-`]}function telemetryName(w){return kubeName("telemetry",w.id)}function num3(value){return typeof value=="number"&&Number.isFinite(value)?value:void 0}function timedWindows(result){let windows=[];for(let t of result.trials){let start=num3(t.window_start_unix),end=num3(t.window_end_unix),trial=num3(t.trial);start===void 0||end===void 0||trial===void 0||!(end>start)||windows.push({label:windowLabel(result,t),trial,start,end})}return windows}function windowLabel(result,t){if(result.kind==="resnet50")return`trial ${String(t.trial)}`;let rate=t.request_rate==="max"?"max throughput":`${String(t.request_rate)} req/s`;return`trial ${String(t.trial)} \xB7 ${rate}`}function attachTelemetry(result,w,samples,options={}){let summary=summarizeTelemetry(samples,timedWindows(result),{ownPodPrefixes:ownPodPrefixes(w),...options.maxSmClockMHz!==void 0?{maxSmClockMHz:options.maxSmClockMHz}:{},...options.powerCapWatts!==void 0?{powerCapWatts:options.powerCapWatts}:{}});if(!summary)return result;let detail={...summary.detail,...options.samplesUri?{samplesUri:options.samplesUri}:{}},energy;if(result.kind==="resnet50"){let images=new Map;for(let t of result.trials){let trial=num3(t.trial),count=num3(t.images)??(num3(t.batch_size)??0)*(num3(t.steps)??0);trial!==void 0&&count>0&&images.set(trial,count)}energy=resnet50EnergyMetrics(detail,images)}else{let rates=result.trials.map(t=>t.request_rate),finite2=rates.filter(r=>typeof r=="number"),point=rates.includes("max")?"max":finite2.length>0?Math.max(...finite2):void 0,tokens=new Map;for(let t of result.trials){let n=num3(t.total_output_tokens);t.request_rate===point&&n!==void 0&&tokens.set(windowLabel(result,t),n)}energy=point===void 0?[]:servingEnergyMetrics(detail,tokens,point==="max"?"max throughput":`${point} req/s`)}return{...result,metrics:[...result.metrics,...energy],telemetry:summary.telemetry,telemetryDetail:detail}}function samplerBackstopSeconds(w){return(w.kind==="resnet50"?w.timeoutMinutes:w.serverStartTimeoutMinutes+w.trials*(w.requestRates.length+(w.maxThroughput?1:0))*w.benchTimeoutMinutes)*60+1800}async function runWithTelemetry(remote,w,ctx,t,run){let name=telemetryName(w),started=!1;try{let start=await startTelemetry(remote,name,t.intervalSeconds,samplerBackstopSeconds(w));started=start.started,start.started?ctx.log.info(`${w.id}: GPU telemetry from ${start.source} every ${start.intervalMs} ms`):ctx.log.warning(`${w.id}: no GPU telemetry: ${start.reason??"the sampler did not start"}`)}catch(error){if(!(error instanceof RemoteScriptError))throw error;ctx.log.warning(`${w.id}: no GPU telemetry: ${errorLine(error)}`)}let result=await run(remote,w,ctx);if(!started)return result;let stopped;try{stopped=await stopTelemetry(remote,name)}catch(error){if(!(error instanceof RemoteScriptError))throw error;return ctx.log.warning(`${w.id}: the GPU telemetry could not be collected: ${errorLine(error)}`),result}if(!stopped.samples)return ctx.log.warning(`${w.id}: the GPU telemetry sampler left no samples`),result;let samplesUri=t.store?await t.store(w.id,stopped.text):void 0,withTelemetry=attachTelemetry(result,w,stopped.samples,{...ctx.gpu?.maxSmClockMHz!==void 0?{maxSmClockMHz:ctx.gpu.maxSmClockMHz}:{},...t.powerCapWatts!==void 0?{powerCapWatts:t.powerCapWatts}:{},...samplesUri?{samplesUri}:{}}),summary=withTelemetry.telemetry;return summary&&(ctx.log.info(`${w.id}: GPU ${summary.powerWatts.mean} W mean, ${summary.energyJoules} J in the timed windows, SM clock median ${summary.smClockMHz.median} MHz (${summary.samples} samples)`),summary.valid||ctx.log.warning(`${w.id}: result invalid: ${summary.validity.join("; ")}`)),withTelemetry}async function runWorkload(remote,workload,ctx){return ctx.telemetry?runWithTelemetry(remote,workload,ctx,ctx.telemetry,runBare):runBare(remote,workload,ctx)}function runBare(remote,workload,ctx){return workload.kind==="llm-serving"?runLlmServing(remote,workload,ctx):runResNet50(remote,workload,ctx)}function workloadImages(suite){let images=suite.workloads.map(w=>w.kind==="resnet50"?resnet50Image(w):vllmImage(w));return[...new Set(images)]}var DEADLINE_MARGIN_SECONDS=120;function launchCandidates(settings){return settings.instanceTypes.flatMap(instanceType=>settings.subnetIds.map(subnetId=>({instanceType,subnetId})))}function planRun(settings,suite,identity,now){let sessionName=settings.roleSessionName??sessionNameFor(identity.runId,identity.attempt),expiresAt=new Date(now.getTime()+settings.ttlMinutes*6e4),identifying=runTags(identity),tokenBase=clientTokenBase(identity),rawPrefix=joinKey(settings.evidencePrefix,"runs",`${identity.runId}-${identity.attempt}-${identity.nonce}`);return{identity,region:settings.region,sessionName,startedAt:now,expiresAt,ttlMinutes:settings.ttlMinutes,maxCostUsd:settings.maxCostUsd,deadlineAt:expiresAt.getTime()-DEADLINE_MARGIN_SECONDS*1e3,runTags:identifying,tags:{...settings.tags,...identifying},clientTokenBase:tokenBase,launch:{ami:settings.ami,candidates:launchCandidates(settings),securityGroupId:settings.securityGroupId,instanceProfile:settings.instanceProfile,rootVolumeGb:settings.rootVolumeGb,markets:settings.market==="spot-then-on-demand"?["spot","on-demand"]:[settings.market],startupTimeoutSeconds:settings.startupTimeoutSeconds},evidence:{bucket:settings.evidenceBucket,rawPrefix,ssmPrefix:joinKey(rawPrefix,"ssm"),diagnosticsKey:joinKey(rawPrefix,"diagnostics.txt")},node:{k3sVersion:settings.k3sVersion,images:workloadImages(suite)},suite:{name:suite.name,hash:suiteHash(suite),workloads:suite.workloads,telemetryIntervalSeconds:suite.telemetry?.intervalSeconds??DEFAULT_TELEMETRY_INTERVAL_SECONDS},hfToken:settings.hfToken,saved:{region:settings.region,roleToAssume:settings.roleToAssume,roleDurationSeconds:settings.roleDurationSeconds,sessionName,runTags:identifying,clientTokenBase:tokenBase,terminated:!1}}}function assembleResults(plan,facts,tool){let{identity,evidence}=plan,instance=facts.instance;return Results.parse({schemaVersion:RESULTS_SCHEMA_VERSION,tool,run:{id:identity.runId,attempt:identity.attempt,number:identity.runNumber,job:identity.job,repository:identity.repository,sha:identity.sha,ref:identity.ref,workflow:identity.workflow,event:identity.event,actor:identity.actor,url:identity.url,startedAt:plan.startedAt.toISOString(),endedAt:facts.endedAt.toISOString()},suite:{name:plan.suite.name,hash:plan.suite.hash},instance:instance?{id:instance.id,type:instance.type,availabilityZone:instance.availabilityZone,region:plan.region,market:instance.market,amiId:facts.image?.id??"",amiName:facts.image?.name,launchedAt:instance.launchedAt.toISOString(),terminatedAt:facts.terminated?facts.endedAt.toISOString():void 0,pricePerHourUsd:facts.price?.perHourUsd,price:facts.price,onDemandPrice:facts.onDemandPrice,deadManSwitch:facts.deadMan||facts.deadManFired?{...facts.deadMan,armed:facts.deadMan?.armed??!1,fired:!!facts.deadManFired,firedAt:facts.deadManFired?.at}:void 0}:void 0,budget:facts.budget,inventory:facts.inventory,phases:[...facts.phases].sort((a,b)=>a.startedAt.localeCompare(b.startedAt)),workloads:facts.workloads,faults:facts.faults,outcome:facts.outcome,locations:{rawPrefix:s3Uri({bucket:evidence.bucket,key:evidence.rawPrefix}),diagnostics:facts.diagnostics?.uri},diagnosticsTail:facts.diagnostics?.tail})}function onDemandFilters(instanceType,region){let match=(Field,Value)=>({Type:"TERM_MATCH",Field,Value});return[match("instanceType",instanceType),match("regionCode",region),match("operatingSystem","Linux"),match("tenancy","Shared"),match("preInstalledSw","NA"),match("capacitystatus","Used")]}var PriceLookupError=class extends Error{name="PriceLookupError"};function parseOnDemandPriceList(priceList){let found=[];for(let item of priceList){let doc=JSON.parse(typeof item=="string"?item:String(item));for(let term of Object.values(doc.terms?.OnDemand??{}))for(let dimension of Object.values(term.priceDimensions??{})){let usd2=Number(dimension.pricePerUnit?.USD);dimension.unit==="Hrs"&&Number.isFinite(usd2)&&usd2>0&&found.push({perHourUsd:usd2,effectiveAt:term.effectiveDate,sku:doc.product?.sku})}}if(found.length===0)throw new PriceLookupError(`no product with an hourly on-demand USD price among ${priceList.length}`);let distinct=new Set(found.map(f=>f.perHourUsd));if(distinct.size>1)throw new PriceLookupError(`the filters left ${distinct.size} different prices (${[...distinct].join(", ")} USD/h)`);return found[0]}async function onDemandPriceFromApi(pricing,instanceType,region,now){let out=await pricing.send(new GetProductsCommand({ServiceCode:"AmazonEC2",Filters:onDemandFilters(instanceType,region),FormatVersion:"aws_v1",MaxResults:10})),parsed=parseOnDemandPriceList(out.PriceList??[]);return{market:"on-demand",perHourUsd:parsed.perHourUsd,source:"aws-price-list-api",detail:`AWS Price List API (GetProducts, endpoint ${await pricing.config.region()}): ${instanceType}, ${region}, Linux, shared tenancy, no pre-installed software${parsed.sku?`, SKU ${parsed.sku}`:""}`,fetchedAt:now.toISOString(),effectiveAt:parsed.effectiveAt}}async function spotPriceFromHistory(ec2,instanceType,where,now){let latest=new Map,token;do{let out=await ec2.send(new DescribeSpotPriceHistoryCommand({InstanceTypes:[instanceType],ProductDescriptions:["Linux/UNIX"],AvailabilityZone:where.availabilityZone,StartTime:now,NextToken:token}));for(let p of out.SpotPriceHistory??[]){let usd2=Number(p.SpotPrice),zone2=p.AvailabilityZone??"";if(!Number.isFinite(usd2)||!p.Timestamp||where.availabilityZone&&zone2!==where.availabilityZone)continue;let seen=latest.get(zone2);(!seen||p.Timestamp>seen.at)&&latest.set(zone2,{usd:usd2,at:p.Timestamp})}token=out.NextToken||void 0}while(token);if(latest.size===0)throw new PriceLookupError(`EC2 lists no Linux/UNIX spot price for ${instanceType} in ${where.availabilityZone??where.region}`);let[zone,best]=[...latest].reduce((a,b)=>b[1].usd>a[1].usd?b:a);return{market:"spot",perHourUsd:best.usd,source:"ec2-spot-price-history",detail:where.availabilityZone?`EC2 DescribeSpotPriceHistory: ${instanceType}, Linux/UNIX, ${zone}, latest`:`EC2 DescribeSpotPriceHistory: ${instanceType}, Linux/UNIX, highest latest price over ${latest.size} zone(s) of ${where.region} (${zone})`,fetchedAt:now.toISOString(),effectiveAt:best.at.toISOString()}}function tablePrice(instanceType,region,why){let usd2=ON_DEMAND_PRICE_TABLE.perHourUsd[instanceType];if(usd2===void 0)return;let elsewhere=region!==ON_DEMAND_PRICE_TABLE.region?`; a ${ON_DEMAND_PRICE_TABLE.region} price, ${region} may differ`:"";return{market:"on-demand",perHourUsd:usd2,source:"dated-table",detail:`${ON_DEMAND_PRICE_TABLE.source}, as of ${ON_DEMAND_PRICE_TABLE.asOf} (built-in table, used because ${why}${elsewhere})`,effectiveAt:ON_DEMAND_PRICE_TABLE.asOf}}function reason(error){let code2=awsErrorCode(error);return code2?`${code2}: ${error.message}`:error.message}async function onDemandPrice(deps,instanceType){try{return await onDemandPriceFromApi(deps.pricing,instanceType,deps.region,deps.now())}catch(error){let why=`the Price List API gave no price (${reason(error)})`,table2=tablePrice(instanceType,deps.region,why);return deps.warn(table2?`On-demand price of ${instanceType}: ${why}; using the built-in table (${ON_DEMAND_PRICE_TABLE.asOf}) instead. Allow pricing:GetProducts to get current prices.`:`On-demand price of ${instanceType}: ${why}, and the built-in table has none: the cost stays unknown.`),table2}}async function priceFor(deps,instanceType,market,availabilityZone){if(market==="on-demand")return onDemandPrice(deps,instanceType);try{return await spotPriceFromHistory(deps.ec2,instanceType,{region:deps.region,availabilityZone},deps.now())}catch(error){let why=`DescribeSpotPriceHistory gave no spot price (${reason(error)})`;deps.warn(`Spot price of ${instanceType}: ${why}; using the on-demand price as an upper bound. Allow ec2:DescribeSpotPriceHistory to get it.`);let onDemand=await onDemandPrice(deps,instanceType);return onDemand&&{...onDemand,market:"spot",detail:`upper bound: the on-demand price, because ${why}. ${onDemand.detail}`}}}var AgentTimeoutError=class extends Error{name="AgentTimeoutError"};async function waitForAgent(instanceId,w){let deadline=w.clock.now()+w.timeoutSeconds*1e3,backoff=new Backoff,polls=0;for(;;){w.signal?.throwIfAborted();let ping=(await withRetry(()=>w.ssm.send(new DescribeInstanceInformationCommand({Filters:[{Key:"InstanceIds",Values:[instanceId]}]})),{clock:w.clock,attempts:5,baseMs:500,maxMs:5e3,retryable:isThrottlingOrInternal})).InstanceInformationList?.[0]?.PingStatus;if(ping==="Online")return;if(++polls%5===0){let state=(await describeOne(w.ec2,instanceId).catch(()=>{}))?.State?.Name;if(state&&state!=="running"&&state!=="pending")throw new AgentTimeoutError(`Instance ${instanceId} is ${state} while waiting for its SSM agent (spot interruption, TTL, or terminated by someone else).`)}if(w.clock.now()>=deadline)throw new AgentTimeoutError(`The SSM agent on ${instanceId} did not come Online within ${w.timeoutSeconds} s (last status: ${ping??"not registered"}). Check that the instance profile's role has AmazonSSMManagedInstanceCore, that the subnet reaches the SSM endpoints (a public IP or NAT, or VPC endpoints for ssm, ssmmessages and ec2messages), and that the AMI runs the SSM agent.`);await w.clock.sleep(Math.min(backoff.next(),Math.max(0,deadline-w.clock.now())),w.signal)}}var TERMINAL=new Set(["Success","Failed","TimedOut","Cancelled","DeliveryTimedOut","ExecutionTimedOut","Undeliverable","Terminated","InvalidPlatform","AccessDenied"]),AGENT_HINT="Check the agent's PingStatus (Fleet Manager, or aws ssm describe-instance-information: ConnectionLost means it lost its link to SSM), that the subnet still reaches the ssm, ssmmessages and ec2messages endpoints (a public IP or NAT, or VPC endpoints), and that the instance profile's role keeps AmazonSSMManagedInstanceCore.";function invocationFailure(status,details,timeoutSeconds,instanceId){switch(details&&details!==status?details:status==="TimedOut"?"ExecutionTimedOut":status){case"Undeliverable":return{what:`never reached the SSM agent on ${instanceId} (SSM: Undeliverable: the agent is not connected)`,hint:AGENT_HINT};case"DeliveryTimedOut":return{what:`never reached the SSM agent on ${instanceId} before SSM's delivery timeout (SSM: DeliveryTimedOut)`,hint:AGENT_HINT};case"Terminated":return{what:`was terminated by SSM before it finished on ${instanceId} (SSM: Terminated)`,hint:"SSM stops a command's invocations when its parent command is stopped or exceeds its error limit; nothing here ran to completion. Re-run; if it repeats, check the agent's PingStatus and the instance's health."};case"InvalidPlatform":return{what:`was refused by the SSM agent on ${instanceId}: AWS-RunShellScript does not run on its platform (SSM: InvalidPlatform)`,hint:"The AMI must be Linux with the SSM agent registered as a Linux node: check the 'ami' input."};case"AccessDenied":return{what:`was refused by SSM for ${instanceId} (SSM: AccessDenied)`,hint:"The role that runs the benchmark may not send AWS-RunShellScript to this instance: it needs ssm:SendCommand on the document and on the instance (see infra/ for the policy)."};case"ExecutionTimedOut":return{hint:`It ran past its ${timeoutSeconds} s limit`};case"Cancelled":return{hint:"It was cancelled"};default:return{}}}function ssmRemote(target){return script=>runOverSsm(script,target)}async function runOverSsm(script,t){let started=t.clock.now(),commands=renderCommand(script),retry={clock:t.clock,attempts:6,baseMs:500,maxMs:8e3},commandId=(await withRetry(()=>t.ssm.send(new SendCommandCommand({InstanceIds:[t.instanceId],DocumentName:"AWS-RunShellScript",Comment:`gpu-bench ${script.name}`.slice(0,100),TimeoutSeconds:600,Parameters:{commands:[commands],executionTimeout:[String(script.timeoutSeconds)]},OutputS3BucketName:t.outputBucket,OutputS3KeyPrefix:t.outputPrefix})),{...retry,retryable:e=>isThrottlingOrInternal(e)||awsErrorCode(e)==="InvalidInstanceId"})).Command?.CommandId;if(!commandId)throw new Error(`SendCommand for '${script.name}' returned no command id`);t.log.debug(`${script.name}: command ${commandId}`);let invocation=await pollInvocation(commandId,script,t),exitCode=invocation.ResponseCode??-1,status=invocation.Status??"Unknown",[stdout,stderr]=await Promise.all([fullOutput(t,commandId,"stdout",invocation.StandardOutputContent??""),fullOutput(t,commandId,"stderr",invocation.StandardErrorContent??"")]),statusDetails=invocation.StatusDetails,result={commandId,status,...statusDetails?{statusDetails}:{},exitCode,stdout,stderr,durationMs:t.clock.now()-started};if(status!=="Success"){let{what,hint}=invocationFailure(status,statusDetails,script.timeoutSeconds,t.instanceId);throw new RemoteScriptError(script.name,result,hint,what)}return result}async function pollInvocation(commandId,script,t){let backoff=new Backoff(250,5e3),deadline=t.clock.now()+(script.timeoutSeconds+120)*1e3,lastNotice=t.clock.now(),polls=0;for(;;){t.signal?.aborted&&(await t.ssm.send(new CancelCommandCommand({CommandId:commandId,InstanceIds:[t.instanceId]})).catch(()=>{}),t.signal.throwIfAborted());try{let out=await t.ssm.send(new GetCommandInvocationCommand({CommandId:commandId,InstanceId:t.instanceId}));if(out.Status&&TERMINAL.has(out.Status))return out}catch(error){if(awsErrorCode(error)!=="InvocationDoesNotExist"&&!isThrottlingOrInternal(error))throw error}if(++polls%10===0){let state=(await describeOne(t.ec2,t.instanceId).catch(()=>{}))?.State;if(state?.Name&&state.Name!=="running")throw new Error(`Instance ${t.instanceId} is ${state.Name} while step '${script.name}' runs (spot interruption, its TTL, or terminated by someone else).`)}if(t.clock.now()>deadline)throw new Error(`Step '${script.name}' (command ${commandId}) reported no final status within ${script.timeoutSeconds+120} s.`);t.clock.now()-lastNotice>=3e4&&(lastNotice=t.clock.now(),t.log.info(`${script.name}: still running (${Math.round((t.clock.now()-(deadline-(script.timeoutSeconds+120)*1e3))/1e3)} s)`)),await t.clock.sleep(backoff.next(),t.signal).catch(()=>{})}}async function fullOutput(t,commandId,stream,inline){let key=joinKey(t.outputPrefix,commandId,t.instanceId,"awsrunShellScript","0.awsrunShellScript",stream);try{let text=await withRetry(()=>getText(t.s3,{bucket:t.outputBucket,key}),{clock:t.clock,attempts:4,baseMs:250,maxMs:2e3,retryable:isThrottlingOrInternal});if(text!==void 0)return text}catch(error){t.log.warning(`Could not read the full ${stream} of ${commandId} from S3 (${awsErrorCode(error)??error.message}); using the possibly truncated copy from SSM.`)}return inline}var NUMERIC={"memory.total":"memoryMiB","power.limit":"powerLimitW","clocks.sm":"smClockMHz","clocks.mem":"memClockMHz","clocks.max.sm":"maxSmClockMHz"},TEXT={name:"name",uuid:"uuid","ecc.mode.current":"eccMode",compute_cap:"computeCapability"};function reported(value){let v=value?.trim();return!v||/^\[?N\/A\]?$/i.test(v)||/^\[Not Supported\]$/i.test(v)?void 0:v}function parseGpuRow(query,row){let cells=row.split(",").map(c=>c.trim()),gpu={};return query.forEach((field,i)=>{let value=reported(cells[i]);if(value!==void 0)if(field==="index")gpu.index=Number(value);else if(NUMERIC[field]){let n=Number(value);Number.isFinite(n)&&(gpu[NUMERIC[field]]=n)}else TEXT[field]&&(gpu[TEXT[field]]=value)}),Gpu.parse(gpu)}function toInventory(line){let{gpuWarnings=[],driverNote=""}=line,query=line.gpuQuery.split(",").map(f=>f.trim());return Inventory.parse({kernel:line.kernel||void 0,os:line.os||void 0,k3sVersion:line.k3sVersion||void 0,driverVersion:line.driverVersion||void 0,cudaVersion:line.cudaVersion||void 0,gpus:line.gpuRows.filter(row=>/^\d+,/.test(row)).map(row=>parseGpuRow(query,row)),warnings:[...gpuWarnings,...line.gpuRows.filter(row=>!/^\d+,/.test(row)&&row.trim()!=="")],driverNote:driverNote||void 0,images:line.images})}var PhaseLine=external_exports.object({kind:external_exports.literal("phase"),name:external_exports.string().min(1),startedAt:external_exports.iso.datetime(),endedAt:external_exports.iso.datetime(),status:PhaseStatus,detail:external_exports.string().optional()}),ErrorLine=external_exports.object({kind:external_exports.literal("error"),step:external_exports.string().min(1),message:external_exports.string(),hint:external_exports.string().default("")}),InventoryLine=external_exports.object({kind:external_exports.literal("inventory"),kernel:external_exports.string(),os:external_exports.string(),k3sVersion:external_exports.string(),driverVersion:external_exports.string(),cudaVersion:external_exports.string(),gpuQuery:external_exports.string(),gpuRows:external_exports.array(external_exports.string()),gpuWarnings:external_exports.array(external_exports.string()).default([]),driverNote:external_exports.string().default(""),images:external_exports.array(external_exports.object({ref:external_exports.string(),digest:external_exports.string().optional()}))}),ScriptLine=external_exports.discriminatedUnion("kind",[PhaseLine,ErrorLine,InventoryLine]);function parseScriptOutput(stdout){let out={phases:[],malformed:[]};for(let text of markedLines(stdout,JSON_LINE_MARKER)){let parsed;try{parsed=ScriptLine.safeParse(JSON.parse(text))}catch{out.malformed.push(text);continue}if(!parsed.success){out.malformed.push(text);continue}let value=parsed.data;if(value.kind==="phase"){let{kind:_kind,...phase}=value;out.phases.push(Phase.parse(phase))}else value.kind==="error"?out.error??=value:out.inventory=value}return out}var bootstrap_default=`#!/usr/bin/env bash
# Turns a fresh GPU instance into a one-node k3s cluster whose pods can get GPUs, as fast as the
# steps allow: image pulls start as soon as containerd runs and overlap the device plugin
# rollout. Idempotent: a re-run skips what is already there.
#
# Usage: bootstrap.sh [IMAGE...]   (the suite's workload images, pre-pulled)
# Environment: K3S_VERSION, DEVICE_PLUGIN_VERSION (required); K3S_READY_TIMEOUT,
# DEVICE_PLUGIN_TIMEOUT, GPU_ALLOCATABLE_TIMEOUT, SMOKE_TEST_TIMEOUT, IMAGE_PULL_TIMEOUT (seconds).
# Prints progress lines and GPU_BENCH_JSON lines (phases with the instance's own timestamps, the
# inventory, or the error that stopped it); see lib.sh.
# shellcheck source-path=SCRIPTDIR
NODE_SCRIPTS=$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)
source "$NODE_SCRIPTS/lib.sh"
source "$NODE_SCRIPTS/nvidia.sh"
source "$NODE_SCRIPTS/k3s.sh"
source "$NODE_SCRIPTS/gpu-stack.sh"
source "$NODE_SCRIPTS/inventory.sh"

K3S_READY_TIMEOUT=\${K3S_READY_TIMEOUT:-180}
DEVICE_PLUGIN_TIMEOUT=\${DEVICE_PLUGIN_TIMEOUT:-180}
GPU_ALLOCATABLE_TIMEOUT=\${GPU_ALLOCATABLE_TIMEOUT:-60}
SMOKE_TEST_TIMEOUT=\${SMOKE_TEST_TIMEOUT:-180}
IMAGE_PULL_TIMEOUT=\${IMAGE_PULL_TIMEOUT:-900}

if [[ ! \${K3S_VERSION:-} =~ ^v[0-9]+\\.[0-9]+\\.[0-9]+\\+k3s[0-9]+$ ]]; then
  fail "K3S_VERSION '\${K3S_VERSION:-}' is not a k3s release such as v1.34.3+k3s3." "Set the k3s-version input to a tag from https://github.com/k3s-io/k3s/releases." validate
fi
if [[ ! \${DEVICE_PLUGIN_VERSION:-} =~ ^v[0-9]+\\.[0-9]+\\.[0-9]+$ ]]; then
  fail "DEVICE_PLUGIN_VERSION '\${DEVICE_PLUGIN_VERSION:-}' is not a release such as v0.18.2." "Use a tag from https://github.com/NVIDIA/k8s-device-plugin/releases." validate
fi
for image in "$@"; do
  if [[ -z $image || $image =~ [[:space:]] ]]; then
    fail "Image reference '$image' is empty or contains white space." "Check the images of the suite's workloads." validate
  fi
done

RUN_DIR=$(mktemp -d)
PULL_DIR="$RUN_DIR/pulls"
PULL_PID=""
INSTALLER_PID=""
# Background work runs in its own session (setsid): stopping it stops everything it started.
stop_background() {
  local pid
  for pid in "$PULL_PID" "$INSTALLER_PID"; do
    if [[ -n $pid ]]; then kill -- "-$pid" 2>/dev/null || true; fi
  done
}
trap stop_background EXIT

# The device plugin and smoke images are pulled with the workloads' so that none of them waits
# for the node to be Ready; duplicates are pulled once.
SMOKE_IMAGE=$(awk '$1 == "image:" { print $2; exit }' "$NODE_SCRIPTS/smoke-pod.yaml")
PULL_IMAGES=()
for image in "nvcr.io/nvidia/k8s-device-plugin:$DEVICE_PLUGIN_VERSION" "$SMOKE_IMAGE" "$@"; do
  case " \${PULL_IMAGES[*]} " in *" $image "*) ;; *) PULL_IMAGES+=("$image") ;; esac
done

failed_pull() {
  local file ref reason
  for file in "$PULL_DIR"/*.error; do
    [[ -e $file ]] || continue
    IFS=$'\\t' read -r ref reason <"$file"
    fail "Could not pull image '$ref': $reason" \\
      "Check the image name and tag in the suite, that its registry is reachable from the instance (public IP or NAT gateway), and that it is public." \\
      image-pull
  done
}

k3s_install_begin
check_driver
ensure_container_toolkit
k3s_install_finish
k3s_wait_containerd
setsid bash "$NODE_SCRIPTS/pull-images.sh" "$PULL_DIR" "$IMAGE_PULL_TIMEOUT" "\${PULL_IMAGES[@]}" &
PULL_PID=$!
k3s_wait_node_registered
render_device_plugin "$RUN_DIR/device-plugin.yaml"
apply_gpu_stack "$RUN_DIR/device-plugin.yaml"
k3s_wait_node_ready
failed_pull
wait_device_plugin
failed_pull
wait_gpu_allocatable
failed_pull
run_smoke_test

progress "waiting for the image pulls"
pull_status=0
wait "$PULL_PID" || pull_status=$?
PULL_PID=""
failed_pull
if ((pull_status != 0)); then fail "Pulling images ended with status $pull_status." "See the image-pull lines above." image-pull; fi
print_inventory "\${#PULL_IMAGES[@]}"
progress "node ready: $GPU_COUNT GPU(s) schedulable, \${#PULL_IMAGES[@]} image(s) present"
`;var diagnostics_default=`#!/usr/bin/env bash
# Evidence of why a node is not ready, for the report: cloud-init output, the k3s service and
# journal, nodes and pods, descriptions and logs of pods that do not run, Xid lines from the
# kernel, nvidia-smi -q. Best effort: every section is bounded in time and size, and the script
# never fails. The last section, "summary", is the decisive tail the report shows.
set -euo pipefail

ROOT="\${GPU_BENCH_ROOT:-}"
K3S="$ROOT/usr/local/bin/k3s"
SECTION_BYTES=\${SECTION_BYTES:-12000}

section() { printf '\\n===== %s =====\\n' "$1"; }

# Runs a command with a time limit, output bounded; a failure is reported, never raised.
show() {
  local out rc=0
  out=$(timeout 20 "$@" 2>&1) || rc=$?
  printf '%s\\n' "\${out:0:$SECTION_BYTES}"
  if ((rc != 0)); then printf '(%s exited with status %s)\\n' "$1" "$rc"; fi
}

KUBECTL=("$K3S" kubectl --request-timeout=10s)
kc() { timeout 20 "\${KUBECTL[@]}" "$@"; }

# namespace/name of pods that are not Running and ready, nor Completed, or that restarted.
troubled_pods() {
  kc get pods -A --no-headers 2>/dev/null |
    awk '{ split($3, r, "/"); if (($4 != "Running" && $4 != "Completed") || r[1] != r[2] || $5 ~ /^[1-9]/) print $1 "/" $2 }' || true
}

section "cloud-init"
if [[ -r $ROOT/var/log/cloud-init-output.log ]]; then
  show tail -n 40 "$ROOT/var/log/cloud-init-output.log"
else
  echo "(no /var/log/cloud-init-output.log)"
fi
show cloud-init status --long

section "k3s service"
show systemctl status k3s --no-pager --lines=0
show journalctl -u k3s --no-pager -n 100

section "nodes"
show "\${KUBECTL[@]}" get nodes -o wide
show "\${KUBECTL[@]}" describe nodes

section "pods"
show "\${KUBECTL[@]}" get pods -A -o wide

troubled=$(troubled_pods)
for pod in $troubled; do
  section "pod $pod"
  show "\${KUBECTL[@]}" -n "\${pod%%/*}" describe pod "\${pod#*/}"
  show "\${KUBECTL[@]}" -n "\${pod%%/*}" logs "\${pod#*/}" --all-containers --tail=40
  show "\${KUBECTL[@]}" -n "\${pod%%/*}" logs "\${pod#*/}" --all-containers --tail=20 --previous
done

section "images"
show "$K3S" crictl images

section "kernel Xid lines"
xid=$( (timeout 20 dmesg 2>/dev/null || true) | grep -i 'xid' | tail -n 30 || true)
printf '%s\\n' "\${xid:-(none)}"

section "nvidia-smi -q"
show nvidia-smi -q

section "summary"
if [[ -n $troubled ]]; then
  for pod in $troubled; do
    line=$(kc -n "\${pod%%/*}" get pod "\${pod#*/}" --no-headers 2>&1 | head -n 1 | tr -s ' ' || true)
    printf '%s  [%s]\\n' "$line" "$pod"
    (kc -n "\${pod%%/*}" logs "\${pod#*/}" --all-containers --tail=8 2>&1 || true) | sed 's/^/  | /'
    # A crash-looping container's current log may be empty: the run before it says why it died.
    if [[ $(awk '{ print $4 }' <<<"$line") =~ ^[1-9] ]]; then
      (kc -n "\${pod%%/*}" logs "\${pod#*/}" --all-containers --tail=8 --previous 2>&1 || true) | sed 's/^/  | (previous) /'
    fi
  done
else
  echo "every pod runs (or none exists)"
fi
if [[ -n $xid ]]; then printf 'Xid: %s\\n' "$xid"; fi
echo "k3s journal, last lines:"
(timeout 20 journalctl -u k3s --no-pager -n 10 2>&1 || true) | sed 's/^/  | /'
exit 0
`;var lib_default=`#!/usr/bin/env bash
# Helpers shared by the node bootstrap scripts; sourced, never run on its own.
#
# Output contract: progress lines are plain text; results the runner parses are single lines
# "GPU_BENCH_JSON <json>" with "kind" one of: phase, error, inventory.
#
# Every absolute path the scripts read or write for state is prefixed with \${GPU_BENCH_ROOT:-}
# (empty on a real instance), so the stand-in can run them inside a sandbox.
set -Eeuo pipefail

export TZ=UTC
ROOT="\${GPU_BENCH_ROOT:-}"
K3S_BIN_DIR="$ROOT/usr/local/bin"
K3S="$K3S_BIN_DIR/k3s"
# Also used by the scripts that source this file.
# shellcheck disable=SC2034
SYSTEMD_DIR="$ROOT/etc/systemd/system"
CURRENT_STEP=""
STEP_STARTED_AT=""

# ISO-8601 UTC with milliseconds, without forking (bash 5 builtins).
now_iso() {
  local t=\${EPOCHREALTIME/,/.}
  local frac=\${t#*.}
  printf '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "\${t%.*}" "\${frac:0:3}"
}

# Seconds since the epoch, with fractions, for measuring waits.
now_s() { printf '%s' "\${EPOCHREALTIME/,/.}"; }

progress() { printf '[%s] %s\\n' "$(now_iso)" "$*"; }

json_str() {
  local s=$1
  s=\${s//\\\\/\\\\\\\\}
  s=\${s//\\"/\\\\\\"}
  s=\${s//$'\\n'/\\\\n}
  s=\${s//$'\\r'/\\\\r}
  s=\${s//$'\\t'/\\\\t}
  if [[ $s == *[[:cntrl:]]* ]]; then s=$(printf '%s' "$s" | tr -d '\\000-\\037'); fi
  printf '"%s"' "$s"
}

emit() { printf 'GPU_BENCH_JSON %s\\n' "$1"; }

emit_phase() { # name startedAt endedAt status [detail]
  local detail=""
  if [[ -n \${5:-} ]]; then detail=",\\"detail\\":$(json_str "$5")"; fi
  emit "{\\"kind\\":\\"phase\\",\\"name\\":$(json_str "$1"),\\"startedAt\\":\\"$2\\",\\"endedAt\\":\\"$3\\",\\"status\\":\\"$4\\"$detail}"
}

step_begin() { # name [startedAt]
  CURRENT_STEP=$1
  STEP_STARTED_AT=\${2:-$(now_iso)}
  if [[ -z \${2:-} ]]; then progress "$1: started"; fi
}

step_end() { # [detail]
  emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" ok "\${1:-}"
  progress "$CURRENT_STEP: done\${1:+ ($1)}"
  CURRENT_STEP=""
}

# Ends the script with a clear, machine-readable error: what did not work and what to do.
# With a third argument the failure belongs to that step, and the open one is marked cancelled.
fail() { # message hint [step]
  local step=\${3:-\${CURRENT_STEP:-bootstrap}}
  trap - ERR
  if [[ -n $CURRENT_STEP ]]; then
    if [[ $step == "$CURRENT_STEP" ]]; then
      emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" failed "$1"
    else
      emit_phase "$CURRENT_STEP" "$STEP_STARTED_AT" "$(now_iso)" cancelled "stopped: $step failed"
    fi
  fi
  emit "{\\"kind\\":\\"error\\",\\"step\\":$(json_str "$step"),\\"message\\":$(json_str "$1"),\\"hint\\":$(json_str "\${2:-}")}"
  printf 'ERROR [%s] %s\\n' "$step" "$1" >&2
  if [[ -n \${2:-} ]]; then printf 'HINT  %s\\n' "$2" >&2; fi
  exit 1
}

on_unexpected_error() { # status line command
  fail "'$3' exited with status $1 (line $2 of $(basename "$0"))" \\
    "This is not a known failure mode; the diagnostics (k3s journal, pod descriptions) show the state it left."
}
trap 'on_unexpected_error $? $LINENO "$BASH_COMMAND"' ERR

# Waits until a command succeeds, polling every $POLL_SECONDS; returns 1 at the deadline.
POLL_SECONDS=\${POLL_SECONDS:-0.1}
poll_until() { # timeout_seconds command...
  local deadline
  deadline=$(deadline_in "$1")
  shift
  until "$@" >/dev/null 2>&1; do
    if is_past "$deadline"; then return 1; fi
    sleep "$POLL_SECONDS"
  done
}

kc() { "$K3S" kubectl "$@"; }

# A point in time $1 seconds from now, and the whole seconds left until it (at least 1).
deadline_in() { awk -v now="$(now_s)" -v t="$1" 'BEGIN { printf "%.3f", now + t }'; }
is_past() { awk -v now="$(now_s)" -v d="$1" 'BEGIN { exit !(now >= d) }'; }
seconds_left() { awk -v now="$(now_s)" -v d="$1" 'BEGIN { s = int(d - now + 0.999); print (s < 1 ? 1 : s) }'; }
`;var nvidia_default=`#!/usr/bin/env bash
# The host side of the GPU: the driver (must come with the AMI) and the container toolkit
# (installed from NVIDIA's apt repository when the AMI lacks it). Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

# Field order matters: the runner parses these columns by position.
GPU_QUERY="index,name,uuid,memory.total,ecc.mode.current,power.limit,clocks.sm,clocks.mem,clocks.max.sm,compute_cap,driver_version"
DRIVER_HINT='Launch a GPU instance type with a GPU AMI that ships the NVIDIA driver, such as the AWS "Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)" (input: ami).'

# nvidia-smi's documented return values (nvidia-smi(1), "RETURN VALUE").
nvsmi_meaning() { # exit-status
  case $1 in
    2) echo "a supplied argument or flag is invalid" ;;
    3) echo "the requested operation is not available on the target device" ;;
    4) echo "the current user does not have permission to access this device or perform this operation" ;;
    6) echo "a query to find an object was unsuccessful" ;;
    8) echo "a device's external power cables are not properly attached" ;;
    9) echo "the NVIDIA driver is not loaded" ;;
    10) echo "the NVIDIA kernel detected an interrupt issue with a GPU" ;;
    12) echo "the NVML shared library could not be found or loaded" ;;
    13) echo "the local version of NVML does not implement this function" ;;
    14) echo "the infoROM is corrupted" ;;
    15) echo "the GPU has fallen off the bus or has otherwise become inaccessible" ;;
    127) echo "nvidia-smi is not installed" ;;
    *) echo "an unknown error (exit status $1)" ;;
  esac
}

# Sets GPU_ROWS (one CSV line per GPU), GPU_COUNT, GPU_QUERY (without fields an old driver lacks),
# GPU_WARNINGS (nvidia-smi's other lines: infoROM, ECC, retired pages), DRIVER_NOTE, DRIVER_VERSION,
# CUDA_VERSION. stderr is read apart from the rows: a warning line is not a GPU.
check_driver() {
  step_begin driver-check
  local out rc err_file field meaning unknown=""
  err_file=$(mktemp)
  DRIVER_NOTE=""
  for _ in 1 2 3 4 5; do
    rc=0
    out=$(nvidia-smi --query-gpu="$GPU_QUERY" --format=csv,noheader,nounits 2>"$err_file") || rc=$?
    # An older driver does not know a newer field (compute_cap came with 510): query without it.
    field=$(sed -n 's/^Field "\\([^"]*\\)" is not a valid field to query.*/\\1/p' <<<"$out"$'\\n'"$(cat "$err_file")" | head -n 1)
    if ((rc == 2)) && [[ -n $field && ,$GPU_QUERY, == *",$field,"* ]]; then
      unknown+="\${unknown:+, }$field"
      GPU_QUERY=$(sed "s/\\(^\\|,\\)$field\\(,\\|$\\)/\\1/; s/,,/,/; s/^,//; s/,$//" <<<"$GPU_QUERY")
      continue
    fi
    break
  done
  if [[ -n $unknown ]]; then
    DRIVER_NOTE="the NVIDIA driver is too old to report $unknown (left out)"
    progress "nvidia-smi: $DRIVER_NOTE"
  fi
  GPU_ROWS=$(grep -E '^[0-9]+, ' <<<"$out" || true)
  GPU_WARNINGS=$( (grep -vE '^[0-9]+, ' <<<"$out" || true; cat "$err_file") | sed '/^[[:space:]]*$/d')
  rm -f "$err_file"
  GPU_COUNT=$(grep -c . <<<"$GPU_ROWS" || true)
  meaning=$(nvsmi_meaning "$rc")
  if ((rc == 127)); then
    fail "NVIDIA driver not found: nvidia-smi is not installed on this instance." "$DRIVER_HINT"
  elif ((rc == 9 || rc == 12)); then
    fail "NVIDIA driver not found: nvidia-smi says $meaning (exit $rc: \${GPU_WARNINGS##*$'\\n'})." "$DRIVER_HINT"
  elif ((rc == 14 && GPU_COUNT > 0)); then
    # A corrupted infoROM is a warning about that GPU, not a missing driver: the GPU still works.
    GPU_WARNINGS+="\${GPU_WARNINGS:+$'\\n'}nvidia-smi exit 14: $meaning"
  elif ((rc != 0)); then
    local hint="See nvidia-smi's words above; the diagnostics hold dmesg (Xid errors) and the full nvidia-smi -q."
    ((rc == 15 || rc == 10)) && hint="The GPU is unhealthy: stop and start the instance (a new host), or try another instance type or zone."
    fail "nvidia-smi failed: $meaning (exit $rc)\${GPU_WARNINGS:+: \${GPU_WARNINGS##*$'\\n'}}." "$hint"
  fi
  if ((GPU_COUNT == 0)); then fail "nvidia-smi works but lists no GPU." "$DRIVER_HINT"; fi
  DRIVER_VERSION=""
  if [[ ,$GPU_QUERY, == *,driver_version,* ]]; then
    local i=0 name
    IFS=, read -ra names <<<"$GPU_QUERY"
    for name in "\${names[@]}"; do
      [[ $name == driver_version ]] && break
      i=$((i + 1))
    done
    DRIVER_VERSION=$(awk -F', ' -v col=$((i + 1)) 'NR == 1 { print $col }' <<<"$GPU_ROWS")
  fi
  CUDA_VERSION=$(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: *[0-9.]*' | awk '{ print $3 }' | head -n 1) || CUDA_VERSION=""
  if [[ -n $GPU_WARNINGS ]]; then progress "nvidia-smi warnings: \${GPU_WARNINGS//$'\\n'/; }"; fi
  step_end "$GPU_COUNT GPU(s), driver $DRIVER_VERSION, CUDA $CUDA_VERSION\${GPU_WARNINGS:+, $(grep -c . <<<"$GPU_WARNINGS") warning(s)}"
}

# k3s only configures its 'nvidia' containerd runtime if the toolkit is there when k3s starts,
# so this runs before k3s does.
ensure_container_toolkit() {
  step_begin container-toolkit
  if nvidia-container-runtime --version >/dev/null 2>&1; then
    step_end present
    return
  fi
  progress "nvidia-container-toolkit not found: installing it from NVIDIA's apt repository"
  local keyring=/usr/share/keyrings/nvidia-container-toolkit-keyring.asc
  local list=/etc/apt/sources.list.d/nvidia-container-toolkit.list
  mkdir -p "$ROOT\${keyring%/*}" "$ROOT\${list%/*}"
  curl -fsSL --retry 3 https://nvidia.github.io/libnvidia-container/gpgkey -o "$ROOT$keyring" ||
    fail "Could not download NVIDIA's apt signing key from https://nvidia.github.io." \\
      "The instance needs outbound HTTPS (a public IP or a NAT gateway), or use an AMI that ships the NVIDIA container toolkit, such as the Deep Learning Base OSS Nvidia Driver GPU AMI."
  # $(ARCH) is apt's own variable, expanded by apt.
  # shellcheck disable=SC2016
  printf 'deb [signed-by=%s] https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /\\n' "$keyring" >"$ROOT$list"
  # A fresh Ubuntu boot often holds the dpkg lock (unattended-upgrades): wait for it rather than fail.
  local -a apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -qq)
  if ! DEBIAN_FRONTEND=noninteractive "\${apt[@]}" update ||
    ! DEBIAN_FRONTEND=noninteractive "\${apt[@]}" install -y nvidia-container-toolkit; then
    fail "Could not install nvidia-container-toolkit with apt-get." \\
      "Check that https://nvidia.github.io/libnvidia-container is reachable, or use an AMI that ships the toolkit (the Deep Learning Base OSS Nvidia Driver GPU AMI does)."
  fi
  nvidia-container-runtime --version >/dev/null 2>&1 ||
    fail "nvidia-container-toolkit was installed but nvidia-container-runtime does not run." "See the apt output above."
  step_end "installed from NVIDIA's apt repository"
}
`;var k3s_default=`#!/usr/bin/env bash
# k3s: install a pinned version (the official installer verifies the binary's sha256), start it,
# and wait for its containerd, its API and the node. Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

K3S_INSTALLER_URL=https://get.k3s.io
# Traefik and metrics-server are not used by any workload; leaving them out spares image pulls
# and CPU while the node comes up.
# The GPU label lets the device plugin's DaemonSet schedule as soon as the node registers;
# gpu-stack.sh sets it again for a k3s installed by other means.
K3S_SERVER_ARGS="server --write-kubeconfig-mode 0600 --disable traefik --disable metrics-server --node-label nvidia.com/gpu.present=true"
K3S_HINT="See the k3s journal in the diagnostics (journalctl -u k3s)."

installed_k3s_version() {
  if [[ -x $K3S ]]; then "$K3S" --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true; fi
}

# The k3s-install phase in two halves, so the download overlaps the driver and toolkit checks:
# k3s_install_begin starts the installer in the background (download, sha256 check, systemd
# unit; no start); k3s_install_finish waits for it and starts k3s, which must come after the
# container toolkit. Sets K3S_STARTED_AT: when the service was asked to start.
k3s_install_begin() {
  K3S_INSTALL_STARTED_AT=$(now_iso)
  local installed
  installed=$(installed_k3s_version)
  INSTALLER_PID=""
  if [[ $installed == "$K3S_VERSION" && -f $SYSTEMD_DIR/k3s.service ]]; then
    K3S_HOW="already installed"
    return
  fi
  K3S_HOW=downloaded
  if [[ $installed == "$K3S_VERSION" ]]; then K3S_HOW="binary already present"; fi
  INSTALLER_LOG=$(mktemp)
  setsid bash "$NODE_SCRIPTS/k3s.sh" install "$K3S_HOW" >"$INSTALLER_LOG" 2>&1 &
  INSTALLER_PID=$!
  progress "k3s-install: $K3S_VERSION installer started in the background"
}

k3s_install_finish() {
  step_begin k3s-install "$K3S_INSTALL_STARTED_AT"
  if [[ -n $INSTALLER_PID ]]; then
    local status=0
    wait "$INSTALLER_PID" || status=$?
    INSTALLER_PID=""
    sed 's/^/  installer: /' "$INSTALLER_LOG"
    if ((status == 10)); then
      fail "Could not download the k3s installer from $K3S_INSTALLER_URL." \\
        "The instance needs outbound HTTPS: a public subnet with a public IP, or a NAT gateway."
    elif ((status != 0)); then
      fail "The k3s installer failed for $K3S_VERSION: $(tail -n 1 "$INSTALLER_LOG")" \\
        "It downloads k3s from https://github.com/k3s-io/k3s/releases and verifies its sha256: check that the version exists (input: k3s-version) and that github.com is reachable from the instance."
    fi
  fi
  # A newly downloaded binary must replace one that may be running; otherwise start is a no-op
  # when k3s already runs (a re-run).
  local verb=start
  if [[ $K3S_HOW == downloaded ]]; then verb=restart; fi
  K3S_STARTED_AT=$(now_iso)
  systemctl "$verb" --no-block k3s || fail "systemctl could not start the k3s service." "$K3S_HINT"
  step_end "$K3S_VERSION, $K3S_HOW"
}

# Run in the background by k3s_install_begin: the official installer, told not to start k3s.
run_installer() { # how
  local installer
  installer=$(mktemp)
  curl -sfL --retry 3 "$K3S_INSTALLER_URL" -o "$installer" || exit 10
  local -a opts=(
    "INSTALL_K3S_VERSION=$K3S_VERSION"
    "INSTALL_K3S_BIN_DIR=$K3S_BIN_DIR"
    "INSTALL_K3S_SYSTEMD_DIR=$SYSTEMD_DIR"
    "INSTALL_K3S_SKIP_START=true"
    "INSTALL_K3S_EXEC=$K3S_SERVER_ARGS"
  )
  if [[ $1 == "binary already present" ]]; then opts+=(INSTALL_K3S_SKIP_DOWNLOAD=true); fi
  env "\${opts[@]}" sh "$installer"
}

node_registered() {
  NODE=$(kc get nodes -o name 2>/dev/null | head -n 1)
  [[ -n $NODE ]]
}

# The k3s-ready phase, in three parts so the caller can work while the node gets Ready:
# k3s_wait_containerd returns once containerd runs (image pulls may start),
# k3s_wait_node_registered once the node exists (manifests may be applied, sets NODE as
# node/<name>), and k3s_wait_node_ready ends the phase.
k3s_wait_containerd() {
  K3S_DEADLINE=$(deadline_in "$K3S_READY_TIMEOUT")
  step_begin k3s-ready "$K3S_STARTED_AT"
  poll_until "$(seconds_left "$K3S_DEADLINE")" "$K3S" crictl info ||
    fail "k3s's containerd did not come up within \${K3S_READY_TIMEOUT}s." "$K3S_HINT"
  progress "containerd is up"
}

k3s_wait_node_registered() {
  if ! poll_until "$(seconds_left "$K3S_DEADLINE")" node_registered; then
    if kc get --raw=/readyz >/dev/null 2>&1; then
      fail "k3s's API server answers but no node registered within \${K3S_READY_TIMEOUT}s." "$K3S_HINT"
    fi
    fail "The k3s API server did not answer within \${K3S_READY_TIMEOUT}s." "$K3S_HINT"
  fi
  progress "API server is up, $NODE registered"
}

k3s_wait_node_ready() {
  if ! kc wait --for=condition=Ready "$NODE" --timeout="$(seconds_left "$K3S_DEADLINE")s" >/dev/null; then
    fail "The k3s node did not become Ready within \${K3S_READY_TIMEOUT}s ($(kc get "$NODE" --no-headers 2>&1 || true))." "$K3S_HINT"
  fi
  step_end "$NODE Ready"
}

if [[ \${BASH_SOURCE[0]} == "$0" && \${1:-} == install ]]; then
  trap - ERR
  run_installer "$2"
fi
`;var gpu_stack_default=`#!/usr/bin/env bash
# The Kubernetes side of the GPU: RuntimeClass nvidia, NVIDIA's device plugin, nvidia.com/gpu
# allocatable, and a smoke pod that runs nvidia-smi. Sourced by bootstrap.sh.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

PLUGIN_NAMESPACE=kube-system
PLUGIN_DAEMONSET=nvidia-device-plugin-daemonset
PLUGIN_SELECTOR=name=nvidia-device-plugin-ds
GPU_LABEL=nvidia.com/gpu.present=true
PLUGIN_HINT="Its pod description and log are in the diagnostics. Usual causes: the image could not be pulled, or NVML is not visible in the pod because k3s started without the nvidia runtime (container toolkit missing at k3s start)."

# The device plugin manifest with its image set to DEVICE_PLUGIN_VERSION, written to $1.
render_device_plugin() {
  sed "s#\\(image: nvcr.io/nvidia/k8s-device-plugin:\\).*#\\1$DEVICE_PLUGIN_VERSION#" "$NODE_SCRIPTS/device-plugin.yaml" >"$1"
}

# Sets PLUGIN_APPLIED_AT. Labelling and applying run side by side: the DaemonSet schedules its
# pod as soon as both are done, in either order.
apply_gpu_stack() { # rendered-device-plugin-manifest
  PLUGIN_APPLIED_AT=$(now_iso)
  kc label "$NODE" "$GPU_LABEL" --overwrite >/dev/null &
  local label_pid=$!
  kc apply -f "$NODE_SCRIPTS/runtimeclass.yaml" -f "$1" | sed 's/^/  /'
  wait "$label_pid" || fail "Could not label $NODE with $GPU_LABEL." "See the k3s journal in the diagnostics."
}

# The plugin's first pod line, and the log line that says why it fails (of its error lines, one
# naming NVML, else the last; klog's "E1130 02:40:11.100100 1 file.go:68]" prefix cut). The pods
# and the log go to stderr, which the diagnostics keep.
plugin_pod_summary() {
  local pods logs errors why
  pods=$(kc -n "$PLUGIN_NAMESPACE" get pods -l "$PLUGIN_SELECTOR" --no-headers 2>&1 || true)
  logs=$(kc -n "$PLUGIN_NAMESPACE" logs -l "$PLUGIN_SELECTOR" --tail=20 2>&1 || true)
  # A crash-looping container's current log may be empty: the run before it says why it died.
  if [[ -z $logs ]]; then logs=$(kc -n "$PLUGIN_NAMESPACE" logs -l "$PLUGIN_SELECTOR" --tail=20 --previous 2>&1 || true); fi
  printf 'device plugin pods:\\n%s\\nlast log lines:\\n%s\\n' "\${pods:-none}" "\${logs:-none}" >&2
  errors=$(grep -E -i '^[EF][0-9]{4} |error|fail' <<<"$logs" || true)
  why=$(grep -i -m 1 'nvml' <<<"$errors" || tail -n 1 <<<"$errors")
  why=$(sed -E 's/^[EWIF][0-9]{4} [0-9:.]+ +[0-9]+ [^]]+\\] //; s/\\.$//' <<<"$why")
  printf '%s%s' "$(printf '%s' "\${pods:-no pod was created}" | head -n 1 | tr -s ' ')" "\${why:+; its log says: $why}"
}

wait_device_plugin() {
  step_begin device-plugin "$PLUGIN_APPLIED_AT"
  if ! kc -n "$PLUGIN_NAMESPACE" rollout status "daemonset/$PLUGIN_DAEMONSET" --timeout="\${DEVICE_PLUGIN_TIMEOUT}s" >/dev/null 2>&1; then
    fail "The NVIDIA device plugin (DaemonSet $PLUGIN_NAMESPACE/$PLUGIN_DAEMONSET, $DEVICE_PLUGIN_VERSION) did not become ready within \${DEVICE_PLUGIN_TIMEOUT}s: $(plugin_pod_summary)." \\
      "$PLUGIN_HINT"
  fi
  step_end "$DEVICE_PLUGIN_VERSION rolled out"
}

# Waiting on a field that does not exist yet needs kubectl >= 1.31 (k3s >= v1.31); older ones
# stop at once.
wait_gpu_allocatable() {
  step_begin gpu-allocatable
  if ! kc wait --for="jsonpath={.status.allocatable.nvidia\\.com/gpu}=$GPU_COUNT" "$NODE" --timeout="\${GPU_ALLOCATABLE_TIMEOUT}s" >/dev/null 2>&1; then
    local seen pod
    seen=$(kc get "$NODE" -o 'jsonpath={.status.allocatable.nvidia\\.com/gpu}' 2>/dev/null || true)
    pod=$(plugin_pod_summary)
    # A plugin that crashed after a moment looked ready to the rollout: blame it, not the node.
    if [[ ! $pod =~ ^[^[:space:]]+[[:space:]]+1/1[[:space:]]+Running[[:space:]]+0[[:space:]] ]]; then
      fail "The NVIDIA device plugin (DaemonSet $PLUGIN_NAMESPACE/$PLUGIN_DAEMONSET, $DEVICE_PLUGIN_VERSION) does not run: $pod." \\
        "$PLUGIN_HINT" device-plugin
    fi
    fail "The node offers \${seen:-no} nvidia.com/gpu after \${GPU_ALLOCATABLE_TIMEOUT}s; nvidia-smi sees $GPU_COUNT GPU(s)." \\
      "The device plugin runs but did not register every GPU with the kubelet; its log is in the diagnostics."
  fi
  step_end "nvidia.com/gpu: $GPU_COUNT"
}

# A fresh pod each run (generateName): a re-run tests the GPU again rather than finding the old
# pod. Its container's end is awaited, then its phase and log say whether nvidia-smi worked.
run_smoke_test() {
  step_begin gpu-smoke-test
  local pod phase logs state
  pod=$(kc create -f "$NODE_SCRIPTS/smoke-pod.yaml" -o name)
  kc wait --for='jsonpath={.status.containerStatuses[0].state.terminated.reason}' "$pod" --timeout="\${SMOKE_TEST_TIMEOUT}s" >/dev/null 2>&1 || true
  phase=$(kc get "$pod" -o 'jsonpath={.status.phase}' 2>/dev/null || true)
  logs=$(kc logs "$pod" 2>&1 || true)
  if [[ $phase != Succeeded || $logs != *NVIDIA-SMI* ]]; then
    state=$(kc get "$pod" --no-headers 2>&1 || true)
    printf 'smoke pod log:\\n%s\\n' "$logs" | tail -n 20 >&2
    fail "The GPU smoke test pod (\${pod#pod/}: nvidia-smi with runtimeClassName nvidia) did not succeed within \${SMOKE_TEST_TIMEOUT}s: \${state:-phase \${phase:-unknown}}." \\
      "The pod's description and log are in the diagnostics; a GPU pod needs runtimeClassName: nvidia and a limit on nvidia.com/gpu."
  fi
  step_end "nvidia-smi ran in \${pod#pod/}"
}
`;var inventory_default=`#!/usr/bin/env bash
# What the node is: one GPU_BENCH_JSON inventory line, from what the other steps found.
# Sourced by bootstrap.sh; reads GPU_QUERY, GPU_ROWS, GPU_WARNINGS, DRIVER_NOTE, DRIVER_VERSION, CUDA_VERSION, PULL_DIR.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

json_array() { # one JSON string per line of $1
  local line out="" sep=""
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    out+="$sep$(json_str "$line")"
    sep=","
  done <<<"$1"
  printf '[%s]' "$out"
}

print_inventory() { # image-count
  step_begin inventory
  local os_release="$ROOT/etc/os-release" os kernel k3s_version images="" sep="" i ref digest
  [[ -r $os_release ]] || os_release=/etc/os-release
  os=$(sed -n 's/^PRETTY_NAME=//p' "$os_release" 2>/dev/null | tr -d '"' || true)
  kernel=$(uname -r)
  k3s_version=$(installed_k3s_version)
  for ((i = 0; i < $1; i++)); do
    [[ -f $PULL_DIR/$i.ok ]] || continue
    IFS=$'\\t' read -r ref digest <"$PULL_DIR/$i.ok"
    images+="$sep{\\"ref\\":$(json_str "$ref")\${digest:+,\\"digest\\":$(json_str "$digest")}}"
    sep=","
  done
  emit "{\\"kind\\":\\"inventory\\",\\"kernel\\":$(json_str "$kernel"),\\"os\\":$(json_str "$os"),\\"k3sVersion\\":$(json_str "$k3s_version"),\\"driverVersion\\":$(json_str "$DRIVER_VERSION"),\\"cudaVersion\\":$(json_str "$CUDA_VERSION"),\\"gpuQuery\\":$(json_str "$GPU_QUERY"),\\"gpuRows\\":$(json_array "$GPU_ROWS"),\\"gpuWarnings\\":$(json_array "\${GPU_WARNINGS:-}"),\\"driverNote\\":$(json_str "\${DRIVER_NOTE:-}"),\\"images\\":[$images]}"
  step_end "$GPU_COUNT GPU(s), $1 image(s)"
}
`;var pull_images_default=`#!/usr/bin/env bash
# Pulls container images into k3s's containerd (/run/k3s/containerd/containerd.sock), all at
# once, so they are present before the workloads need them. Run in the background by
# bootstrap.sh as soon as containerd is up.
#
# Usage: pull-images.sh RESULT_DIR TIMEOUT_SECONDS IMAGE...
# For image number i it writes RESULT_DIR/i.ok ("ref<TAB>digest") or RESULT_DIR/i.error
# ("ref<TAB>reason"), prints an image-pull phase per image and an images-present phase, and
# exits non-zero when any pull failed.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"

result_dir=$1
timeout_s=$2
shift 2
mkdir -p "$result_dir"

pull_one() { # index ref
  local started out digest reason rc
  started=$(now_iso)
  if out=$(timeout "$timeout_s" "$K3S" crictl pull "$2" 2>&1); then
    # The repo digest is what a registry serves for this tag now: the exact image that ran.
    digest=$("$K3S" crictl inspecti -o json "$2" 2>/dev/null | grep -o '@sha256:[0-9a-f]\\{64\\}' | head -n 1) || digest=""
    digest=\${digest#@}
    printf '%s\\t%s\\n' "$2" "$digest" >"$result_dir/$1.ok"
    emit_phase image-pull "$started" "$(now_iso)" ok "$2\${digest:+@$digest}"
  else
    rc=$?
    reason=\${out##*$'\\n'}
    if ((rc == 124)); then reason="no result after \${timeout_s}s"; fi
    printf '%s\\t%s\\n' "$2" "$reason" >"$result_dir/$1.error"
    emit_phase image-pull "$started" "$(now_iso)" failed "$2: $reason"
    return 1
  fi
}

started=$(now_iso)
pids=()
index=0
for ref in "$@"; do
  pull_one "$index" "$ref" &
  pids+=("$!")
  index=$((index + 1))
done
status=0
for pid in "\${pids[@]}"; do wait "$pid" || status=1; done
if ((status == 0)); then
  emit_phase images-present "$started" "$(now_iso)" ok "$# image(s)"
else
  emit_phase images-present "$started" "$(now_iso)" failed "at least one image could not be pulled"
fi
exit "$status"
`;var runtimeclass_default=`# Pods that use the GPU name this class; its handler is the containerd runtime that k3s
# configures by itself when it finds nvidia-container-runtime at start.
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: nvidia
  labels:
    app.kubernetes.io/managed-by: ephemeral-gpu-bench
handler: nvidia
`;var device_plugin_default=`# NVIDIA's k8s-device-plugin, advertising nvidia.com/gpu. The image tag is the pinned default;
# bootstrap.sh rewrites it to the version it is given (DEVICE_PLUGIN_VERSION).
# k3s keeps runc as its default runtime, so the plugin itself needs runtimeClassName: nvidia to
# see NVML; the node affinity matches the label bootstrap.sh puts on GPU nodes.
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nvidia-device-plugin-daemonset
  namespace: kube-system
  labels:
    app.kubernetes.io/name: nvidia-device-plugin
    app.kubernetes.io/managed-by: ephemeral-gpu-bench
spec:
  selector:
    matchLabels:
      name: nvidia-device-plugin-ds
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        name: nvidia-device-plugin-ds
    spec:
      runtimeClassName: nvidia
      priorityClassName: system-node-critical
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: nvidia.com/gpu.present
                    operator: In
                    values: ["true"]
      tolerations:
        - key: nvidia.com/gpu
          operator: Exists
          effect: NoSchedule
      containers:
        - name: nvidia-device-plugin-ctr
          image: nvcr.io/nvidia/k8s-device-plugin:v0.18.2
          env:
            - name: FAIL_ON_INIT_ERROR
              value: "true"
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: device-plugin
              mountPath: /var/lib/kubelet/device-plugins
      volumes:
        - name: device-plugin
          hostPath:
            path: /var/lib/kubelet/device-plugins
`;var smoke_pod_default=`# Proves a pod can get a GPU: scheduled against nvidia.com/gpu, started by the nvidia runtime,
# and nvidia-smi talks to the driver from inside the container.
# NVIDIA_DISABLE_REQUIRE: this pod checks GPU access only; whether a workload image's CUDA suits
# the driver is that workload's own question.
apiVersion: v1
kind: Pod
metadata:
  generateName: gpu-bench-smoke-
  namespace: default
  labels:
    app.kubernetes.io/managed-by: ephemeral-gpu-bench
spec:
  runtimeClassName: nvidia
  restartPolicy: Never
  containers:
    - name: nvidia-smi
      image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
      command: ["nvidia-smi"]
      env:
        - name: NVIDIA_DISABLE_REQUIRE
          value: "true"
      resources:
        limits:
          nvidia.com/gpu: 1
`;var BOOTSTRAP_FILES=[{path:"lib.sh",content:lib_default},{path:"nvidia.sh",content:nvidia_default},{path:"k3s.sh",content:k3s_default},{path:"gpu-stack.sh",content:gpu_stack_default},{path:"inventory.sh",content:inventory_default},{path:"pull-images.sh",content:pull_images_default},{path:"runtimeclass.yaml",content:runtimeclass_default},{path:"device-plugin.yaml",content:device_plugin_default},{path:"smoke-pod.yaml",content:smoke_pod_default}];var K3S_VERSION="v1.34.3+k3s3",DEVICE_PLUGIN_VERSION="v0.18.2",K3S_VERSION_PATTERN=/^v\d+\.\d+\.\d+\+k3s\d+$/,DEVICE_PLUGIN_VERSION_PATTERN=/^v\d+\.\d+\.\d+$/;var DEFAULT_BOOTSTRAP_TIMEOUTS={k3sReadySeconds:180,devicePluginSeconds:180,gpuAllocatableSeconds:60,smokeTestSeconds:180,imagePullSeconds:900},NodeBootstrapError=class extends Error{constructor(step,message,hint,result,phases=[]){super(`Node bootstrap failed at ${step}: ${message}${hint?`
${hint}`:""}`);this.step=step;this.hint=hint;this.result=result;this.phases=phases;this.name="NodeBootstrapError"}step;hint;result;phases};function scriptTimeout(t){let gpuChain=t.devicePluginSeconds+t.gpuAllocatableSeconds+t.smokeTestSeconds;return t.k3sReadySeconds+Math.max(gpuChain,t.imagePullSeconds)+900}function bootstrapScript(options){let k3sVersion=options.k3sVersion??K3S_VERSION,pluginVersion=options.devicePluginVersion??DEVICE_PLUGIN_VERSION;if(!K3S_VERSION_PATTERN.test(k3sVersion))throw new NodeBootstrapError("validate",`k3s version '${k3sVersion}' is not a k3s release tag`,"Set k3s-version to a tag such as v1.34.3+k3s3 from https://github.com/k3s-io/k3s/releases.");if(!DEVICE_PLUGIN_VERSION_PATTERN.test(pluginVersion))throw new NodeBootstrapError("validate",`device plugin version '${pluginVersion}' is not a release tag`,"Use a tag such as v0.18.2 from https://github.com/NVIDIA/k8s-device-plugin/releases.");let images=[...new Set(options.images)],bad=images.find(image2=>image2===""||/\s/.test(image2));if(bad!==void 0)throw new NodeBootstrapError("validate",`image reference '${bad}' is empty or contains white space`,"Check the images of the suite's workloads.");let t={...DEFAULT_BOOTSTRAP_TIMEOUTS,...options.timeouts};return{name:"node-bootstrap",body:bootstrap_default,files:BOOTSTRAP_FILES,args:images,env:{K3S_VERSION:k3sVersion,DEVICE_PLUGIN_VERSION:pluginVersion,K3S_READY_TIMEOUT:String(t.k3sReadySeconds),DEVICE_PLUGIN_TIMEOUT:String(t.devicePluginSeconds),GPU_ALLOCATABLE_TIMEOUT:String(t.gpuAllocatableSeconds),SMOKE_TEST_TIMEOUT:String(t.smokeTestSeconds),IMAGE_PULL_TIMEOUT:String(t.imagePullSeconds)},timeoutSeconds:scriptTimeout(t)}}async function bootstrapNode(remote,options){let script=bootstrapScript(options),startedAt=stamp(options.clock),result;try{result=await remote(script)}catch(error){let whole2={name:"node-bootstrap",startedAt,endedAt:stamp(options.clock),status:"failed",detail:errorLine(error)};if(!(error instanceof RemoteScriptError))throw error;let output2=report(parseScriptOutput(error.result.stdout),options.log);throw failure(output2,error.result,[whole2,...output2.phases])}let whole={name:"node-bootstrap",startedAt,endedAt:stamp(options.clock),status:"ok"},output=report(parseScriptOutput(result.stdout),options.log),phases=[whole,...output.phases];if(!output.inventory)throw new NodeBootstrapError("inventory","the bootstrap script ended without printing the node's inventory","This is a bug in remote/node/bootstrap.sh; its output is in the debug log.",result,phases);let inventory=toInventory(output.inventory);return options.log.info(`Node ready in ${(result.durationMs/1e3).toFixed(1)} s: k3s ${inventory.k3sVersion}, ${inventory.gpus.length} \xD7 ${inventory.gpus[0]?.name??"GPU"}, driver ${inventory.driverVersion}, CUDA ${inventory.cudaVersion}, ${inventory.images.length} image(s) present`),{inventory,gpuCount:inventory.gpus.length,phases}}function stamp(clock){return new Date(clock.now()).toISOString()}function report(output,log){for(let phase of output.phases){let seconds2=(Date.parse(phase.endedAt)-Date.parse(phase.startedAt))/1e3;log.debug(`node ${phase.name}: ${phase.status} in ${seconds2.toFixed(1)} s${phase.detail?` (${phase.detail})`:""}`)}for(let line of output.malformed)log.warning(`Unreadable result line from the node bootstrap: ${line}`);return output}function failure(output,result,phases){if(output.error)return new NodeBootstrapError(output.error.step,output.error.message,output.error.hint,result,phases);let failed=output.phases.find(p=>p.status==="failed")?.name,tail2=lastLines(result.stderr||result.stdout,10),how=result.status==="TimedOut"?"ran past its time limit":`ended ${result.status} with exit code ${result.exitCode}`;return new NodeBootstrapError(failed??"node-bootstrap",`the bootstrap script ${how}${tail2?`; its last lines:
${tail2}`:""}`,"The diagnostics (k3s journal, pod descriptions) show where it stopped.",result,phases)}var SUMMARY_MARKER="===== summary =====",TAIL_CHARS=4e3;async function collectDiagnostics(remote){let text;try{text=(await remote({name:"node-diagnostics",body:diagnostics_default,timeoutSeconds:300})).stdout}catch(error){text=error instanceof RemoteScriptError?`${error.result.stdout}
(diagnostics script ended ${error.result.status}: ${lastLines(error.result.stderr,5)})`:`Diagnostics could not be collected from the instance: ${errorLine(error)}`}return{text,tail:decisiveTail(text)}}function decisiveTail(text){let at=text.lastIndexOf(SUMMARY_MARKER),tail2=at>=0?text.slice(at+SUMMARY_MARKER.length).trim():lastLines(text,40);return tail2.length>TAIL_CHARS?`\u2026${tail2.slice(-TAIL_CHARS)}`:tail2}var DeadManLine=external_exports.object({kind:external_exports.literal("dead-man-switch"),armed:external_exports.boolean(),via:external_exports.enum(["shutdown","systemd-run"]),firesAt:external_exports.number(),expiresAt:external_exports.number(),persistent:external_exports.boolean(),armedBefore:external_exports.boolean()}),DeadManSwitchError=class extends Error{name="DeadManSwitchError"};async function armDeadManSwitch(remote,expiresAt){let result=await remote({name:"dead-man switch",body:user_data_default,env:{GPU_BENCH_EXPIRES_AT:String(Math.floor(expiresAt.getTime()/1e3))},timeoutSeconds:300}),line=markedJsonLines(result.stdout).map(l=>DeadManLine.safeParse(l)).find(p=>p.success)?.data;if(!line?.armed)throw new DeadManSwitchError(`The instance's dead-man switch could not be armed (${line?`no poweroff scheduled via ${line.via}`:"no report"}; exit ${result.exitCode}): nothing on the instance would power it off at its expiry. Use an AMI with systemd (shutdown, systemd-run).`);return{armed:!0,via:line.via,firesAt:new Date(line.firesAt*1e3).toISOString(),persistent:line.persistent,armedByUserData:line.armedBefore}}var INSTANCE_INITIATED="Client.InstanceInitiatedShutdown";async function deadManFired(ec2,instanceId){let instance=await describeOne(ec2,instanceId).catch(()=>{});if(instance?.StateReason?.Code!==INSTANCE_INITIATED)return;let when=/\((\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) GMT\)/.exec(instance.StateTransitionReason??"");return{at:when?`${when[1]}T${when[2]}.000Z`:void 0}}var PhaseRecorder=class{constructor(clock){this.clock=clock}clock;phases=[];async time(name,fn,detail){let startedAt=new Date(this.clock.now()).toISOString();try{let value=await fn();return this.phases.push({name,startedAt,endedAt:this.stamp(),status:"ok",detail:detail?.(value)}),value}catch(error){throw this.phases.push({name,startedAt,endedAt:this.stamp(),status:"failed",detail:errorLine(error)}),error}}record(phase){this.phases.push(phase)}mark(name,detail){let at=this.stamp();this.phases.push({name,startedAt:at,endedAt:at,status:"ok",detail})}list(){return[...this.phases].sort((a,b)=>a.startedAt.localeCompare(b.startedAt))}stamp(){return new Date(this.clock.now()).toISOString()}};var RECOVERY_WINDOW_SECONDS=10;function p99(values){if(values.length!==0)return quantile([...values].sort((a,b)=>a-b),.99)}function requestWindow(records,from,to){let seconds2=Math.max(0,to-from),inside=records.filter(r=>r.end>=from&&r.end<to),ok=inside.filter(r=>r.ok),failed=inside.length-ok.length;return{seconds:seconds2,throughput:seconds2>0?ok.length/seconds2:void 0,throughputUnit:"req/s",p99TtftMs:p99(ok.map(r=>r.ttftMs).filter(v=>v!==void 0)),requests:inside.length,failed,errorRate:inside.length>0?failed/inside.length:void 0}}function requestTimeline(records,injectedAt,from,to){let points=[];for(let t=Math.floor(from);t<Math.ceil(to);t++)points.push({t,ok:0,failed:0});let first=points[0]?.t??0;for(let r of records){let i=Math.floor(r.end-injectedAt)-first,p=points[i];p&&(r.ok?p.ok++:p.failed++)}return points}function measureLlmFault(records,times){let T=times.injectedAt,band=times.band/100,baseline=requestWindow(records,T-times.baselineSeconds,T),after=records.filter(r=>r.end>=T&&r.end<times.windowEnd).sort((a,b)=>a.end-b.end),firstError=after.find(r=>!r.ok),detect=firstError?firstError.end-T:void 0,firstOk=after.find(r=>r.ok&&(firstError===void 0||r.end>=firstError.end)),firstSuccess=firstOk?firstOk.end-T:void 0,recoveredAt,earliest=Math.max(T,times.removedAt??T);for(let s=earliest;s+RECOVERY_WINDOW_SECONDS<=times.windowEnd+1e-9;s+=1){let w=requestWindow(records,s,s+RECOVERY_WINDOW_SECONDS);if((w.requests??0)===0||(w.failed??0)>0)continue;let fastEnough=baseline.throughput===void 0||(w.throughput??0)>=baseline.throughput*(1-band),quickEnough=baseline.p99TtftMs===void 0||w.p99TtftMs===void 0||w.p99TtftMs<=baseline.p99TtftMs*(1+band);if(fastEnough&&quickEnough){recoveredAt=s;break}}let faultEnd=recoveredAt??times.windowEnd,started=records.filter(r=>r.start>=T&&r.start<faultEnd),startedFailed=started.filter(r=>!r.ok).length,during=requestWindow(records,T,faultEnd),lastEnd=records.reduce((m,r)=>Math.max(m,r.end),T);return{timeToDetectSeconds:round2(detect),timeToFirstSuccessSeconds:round2(firstSuccess),recoverySeconds:round2(recoveredAt!==void 0?recoveredAt-T:void 0),recovered:recoveredAt!==void 0,errorRate:started.length>0?startedFailed/started.length:void 0,goodput:during.throughput,baseline,during,after:recoveredAt!==void 0?requestWindow(records,recoveredAt,Math.max(recoveredAt,Math.min(lastEnd+1,times.windowEnd))):void 0,timeline:requestTimeline(records,T,-times.baselineSeconds,Math.min(lastEnd+1,times.windowEnd)-T)}}function imagesAt(samples,t){if(samples.length===0||t<samples[0].t||t>samples.at(-1).t)return;let i=1;for(;i<samples.length&&samples[i].t<t;)i++;let b=samples[Math.min(i,samples.length-1)],a=samples[Math.max(0,i-1)];return b.t===a.t?b.images:a.images+(b.images-a.images)*(t-a.t)/(b.t-a.t)}function trainingWindow(samples,from,to){let a=imagesAt(samples,from),b=imagesAt(samples,to),seconds2=Math.max(0,to-from);return{seconds:seconds2,throughput:a!==void 0&&b!==void 0&&seconds2>0?(b-a)/seconds2:void 0,throughputUnit:"images/s"}}function measureTrainingFault(samples,times,batchSize){let sorted=[...samples].sort((a,b)=>a.t-b.t),T=times.injectedAt,band=times.band/100,end=Math.min(times.windowEnd,sorted.at(-1)?.t??T),baseline=trainingWindow(sorted,T-times.baselineSeconds,T),timeline2=[];for(let t=-Math.floor(times.baselineSeconds);T+t+1<=end;t++){let w=trainingWindow(sorted,T+t,T+t+1);w.throughput!==void 0&&timeline2.push({t,ok:Math.round(w.throughput*10)/10,failed:0})}let floor=baseline.throughput!==void 0?baseline.throughput*(1-band):void 0,slow=floor===void 0?void 0:timeline2.find(p=>p.t>=0&&p.ok<floor),recoveredAt;if(floor!==void 0)for(let s=Math.max(T,times.removedAt??T);s+RECOVERY_WINDOW_SECONDS<=end+1e-9;s+=1){let w=trainingWindow(sorted,s,s+RECOVERY_WINDOW_SECONDS);if(w.throughput!==void 0&&w.throughput>=floor){recoveredAt=s;break}}let during=trainingWindow(sorted,T,recoveredAt??end),stepsLost;return baseline.throughput!==void 0&&during.throughput!==void 0&&(stepsLost=Math.max(0,Math.round((baseline.throughput-during.throughput)*during.seconds/batchSize))),{timeToDetectSeconds:slow?.t,recoverySeconds:round2(recoveredAt!==void 0?recoveredAt-T:void 0),recovered:recoveredAt!==void 0,stepsLost,baseline,during,after:recoveredAt!==void 0?trainingWindow(sorted,recoveredAt,end):void 0,timeline:timeline2}}function judgeFault(m,slo){if(!m.injected||!m.verified)return{status:"not-injected",sloMet:!1,sloShare:0};let checks=[m.recovered&&m.recoverySeconds!==void 0&&m.recoverySeconds<=slo.maxRecoverySeconds];m.errorRate!==void 0&&checks.push(m.errorRate<=slo.maxErrorRate);let met=checks.filter(Boolean).length,sloMet=met===checks.length;return{status:m.recovered?sloMet?"ok":"slo-missed":"not-recovered",sloMet,sloShare:met/checks.length}}function round2(value){return value===void 0?void 0:Math.round(value*1e3)/1e3}var container_kill_default=`#!/usr/bin/env bash
# Fault container-kill: kills the main process of the workload's container from the host (its PID
# from the container runtime); the kubelet restarts the container in the same pod.
#   inject   sends SIGNAL to it: {"pod","pid","restarts","injectedAt"}
#   verify   the restart count went up, or the container is no longer running that PID (bounded wait)
#   recover  nothing to undo: waits (bounded) until the pod is Ready again: {"readyAt","restarts"}
# Environment: NAMESPACE, SELECTOR, SIGNAL (KILL|TERM), TIMEOUT_SECONDS; verify and recover: POD, PID, RESTARTS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
: "\${NAMESPACE:?}" "\${SELECTOR:?}"

case "\${1:?usage: container-kill.sh inject|verify|recover}" in
  inject)
    [[ "\${SIGNAL:-KILL}" =~ ^(KILL|TERM)$ ]] || { echo "container-kill: SIGNAL must be KILL or TERM" >&2; exit 2; }
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "container-kill: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    pid="$(container_pid "$pod")" || { echo "container-kill: no PID for the container of $pod" >&2; exit 3; }
    [[ "$pid" =~ ^[0-9]+$ ]] || { echo "container-kill: the runtime gave no PID for $pod ('$pid')" >&2; exit 3; }
    restarts="$(restart_count "$pod")"
    at="$(now)"
    kill -s "\${SIGNAL:-KILL}" "$pid"
    json "{\\"pod\\":\\"$pod\\",\\"pid\\":$pid,\\"restarts\\":\${restarts:-0},\\"injectedAt\\":$at}" ;;
  verify)
    : "\${POD:?}" "\${PID:?}" "\${RESTARTS:?}"
    for _ in $(seq 1 120); do
      count="$(restart_count "$POD")"
      if [[ -n "$count" && "$count" -gt "$RESTARTS" ]] || ! kill -0 "$PID" 2>/dev/null; then
        json "{\\"verified\\":true,\\"restarts\\":\${count:-0}}"
        exit 0
      fi
      sleep 0.25
    done
    json '{"verified":false}' ;;
  recover)
    : "\${POD:?}"
    if pod="$(wait_ready)"; then
      ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
      json "{\\"pod\\":\\"$pod\\",\\"readyAt\\":\\"$ready\\",\\"restarts\\":$(restart_count "$pod")}"
    else
      json '{"pod":null}'
    fi ;;
  *) echo "container-kill: unknown action" >&2; exit 2 ;;
esac
`;var lib_default2=`#!/usr/bin/env bash
# Sourced by the fault scripts beside it. Uses NAMESPACE and SELECTOR (a label selector of the
# workload's pod), both validated by the caller.
# shellcheck disable=SC2034

k() { kubectl -n "$NAMESPACE" "$@"; }
now() { date +%s.%N | cut -c1-14; }
json() { printf 'GPU_BENCH_JSON %s\\n' "$1"; }

# The workload's running pod (newest first), or nothing.
target_pod() {
  k get pods -l "$SELECTOR" -o jsonpath='{.items[?(@.status.phase=="Running")].metadata.name}' 2>/dev/null | tr ' ' '\\n' | tail -n 1
}

# The host PID of a pod's first container: what kill and nsenter act on.
container_pid() {
  local pod="$1" id
  id="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}' 2>/dev/null || true)"
  id="\${id#*://}"
  [[ -n "$id" ]] || return 1
  crictl inspect --output go-template --template '{{.info.pid}}' "$id" 2>/dev/null
}

restart_count() { k get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null || echo ""; }

# Waits (bounded by TIMEOUT_SECONDS) until a pod behind SELECTOR other than EXCLUDE is Ready;
# prints its name. Polls every quarter second: the times it reads are the API server's anyway.
wait_ready() {
  local deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} )) pod ready
  while (( SECONDS < deadline )); do
    for pod in $(k get pods -l "$SELECTOR" -o jsonpath='{.items[*].metadata.name}' 2>/dev/null); do
      [[ "$pod" != "\${EXCLUDE:-}" ]] || continue
      ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
      if [[ "$ready" == True ]]; then echo "$pod"; return 0; fi
    done
    sleep 0.25
  done
  return 1
}

# The API server answers (k3s's control plane is up).
api_up() { kubectl get --raw=/readyz >/dev/null 2>&1; }

# The node's Ready condition as "STATUS LAST_TRANSITION_TIME" (one node: k3s's single node).
node_ready() { kubectl get nodes -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status} {.items[0].status.conditions[?(@.type=="Ready")].lastTransitionTime}' 2>/dev/null || true; }

# Waits (bounded by the deadline, SECONDS) until the node is Ready; prints its transition time.
wait_node_ready() {
  local deadline="$1" status at
  while (( SECONDS < deadline )); do
    read -r status at <<<"$(node_ready)"
    if [[ "$status" == True ]]; then echo "$at"; return 0; fi
    sleep 0.25
  done
  return 1
}

# The node's allocatable nvidia.com/gpu (0 when none, or when the API server does not answer).
allocatable_gpus() {
  local n
  n="$(kubectl get nodes -o jsonpath='{.items[0].status.allocatable.nvidia\\.com/gpu}' 2>/dev/null || true)"
  [[ "$n" =~ ^[0-9]+$ ]] || n=0
  echo "$n"
}
`;function faultScript(fault,verb,body,target,env){return{name:`fault-${fault.id}-${verb}`,body,args:[verb],env:{NAMESPACE:target.namespace,SELECTOR:target.selector,TIMEOUT_SECONDS:String(target.timeoutSeconds),...env},files:[{path:"lib.sh",content:lib_default2}],timeoutSeconds:target.timeoutSeconds+120}}async function runFaultScript(remote,script){let result=await remote(script),line=markedJsonLines(result.stdout).at(-1);if(!line)throw new Error(`Step '${script.name}' printed no result line${result.stderr?`: ${result.stderr.trim().split(`
`).at(-1)}`:""}`);return line}function num4(value){return typeof value=="number"&&Number.isFinite(value)?value:void 0}function str(value){return typeof value=="string"&&value.length>0?value:void 0}function between(from,to){if(from===void 0||to===void 0)return;let a=typeof from=="number"?from*1e3:Date.parse(from),b=Date.parse(to);if(!(!Number.isFinite(a)||!Number.isFinite(b)))return Math.round(Math.max(0,b-a))/1e3}var containerKill={async inject(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"inject",container_kill_default,target,{SIGNAL:fault.params.signal})),pod=str(out.pod),pid=num4(out.pid),at=num4(out.injectedAt);if(!pod||pid===void 0||at===void 0)throw new Error("container-kill printed no pod, PID or time");return{injectedAt:at,target:`pod ${pod}, PID ${pid}`,state:{POD:pod,PID:String(pid),RESTARTS:String(num4(out.restarts)??0)}}},async verify(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"verify",container_kill_default,target,injection.state));return out.verified===!0?{verified:!0,detail:`restart count ${num4(out.restarts)??"?"}`}:{verified:!1,detail:`PID ${injection.state.PID} still runs and the restart count did not change`}},async recover(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",container_kill_default,target,injection.state));return str(out.pod)?{ok:!0}:{ok:!1,detail:`pod ${injection.state.POD} not Ready within ${target.timeoutSeconds}s`}},async observe(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",container_kill_default,target,injection.state));return{oldPod:injection.state.POD,newPod:str(out.pod),restartCount:num4(out.restarts),totalRecoverySeconds:between(injection.injectedAt,str(out.readyAt))}}};var loadgen_default=`"""Constant-rate load for measuring a fault on an LLM server (OpenAI-compatible completions API).

Sends one streamed completion every 1/rate seconds from start to --seconds (or until the pod is
deleted), each in its own thread so a slow or hanging request never delays the next one, and
prints one line per finished request:

    GPU_BENCH_REQ <start> <end> <ok 0|1> <ttft_ms|-> <status>

times in seconds since the epoch (the node's clock: the pod shares it). A request is ok when the
server answered 200 and streamed at least one token before [DONE]; its TTFT is the time to the
first streamed token. vLLM's /health answers before the model is loaded, so only completions
prove the server serves. The first line is GPU_BENCH_LOAD {...} with the parameters.

Standard library only: it runs with the python3 of the vLLM image itself.
"""

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request

LOCK = threading.Lock()


def emit(line):
    with LOCK:
        sys.stdout.write(line + "\\n")
        sys.stdout.flush()


def one_request(url, model, output_len, timeout, start):
    body = json.dumps(
        {"model": model, "prompt": "Tell me about GPUs. " * 8, "max_tokens": output_len, "temperature": 0, "stream": True, "ignore_eos": True}
    ).encode()
    ttft = None
    tokens = 0
    status = "ok"
    try:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            done = False
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    done = True
                    break
                chunk = json.loads(data)
                text = "".join(c.get("text", "") for c in chunk.get("choices", []))
                if text and ttft is None:
                    ttft = (time.time() - start) * 1000.0
                if text:
                    tokens += 1
                if time.time() - start > timeout:
                    raise TimeoutError("request timed out")
            if not done or tokens == 0:
                status = "incomplete"
    except urllib.error.HTTPError as error:
        status = f"http-{error.code}"
    except Exception as error:  # noqa: BLE001 - every failure is a failed request, named by its type
        status = type(error).__name__
    end = time.time()
    ok = status == "ok"
    emit(f"GPU_BENCH_REQ {start:.3f} {end:.3f} {1 if ok else 0} {f'{ttft:.1f}' if ok and ttft is not None else '-'} {status}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--output-len", type=int, default=32)
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, required=True, help="how long to send requests")
    args = parser.parse_args(argv)
    url = args.base_url.rstrip("/") + "/v1/completions"
    t0 = time.time()
    emit("GPU_BENCH_LOAD " + json.dumps({"startedAt": round(t0, 3), "rate": args.rate, "outputLen": args.output_len, "seconds": args.seconds}))
    i = 0
    while True:
        due = t0 + i / args.rate
        if due - t0 >= args.seconds:
            break
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        threading.Thread(target=one_request, args=(url, args.model, args.output_len, args.request_timeout, time.time()), daemon=True).start()
        i += 1
    # Let the last requests finish (bounded by their own timeout).
    deadline = time.time() + args.request_timeout + 1
    for t in threading.enumerate():
        if t is not threading.current_thread():
            t.join(max(0.0, deadline - time.time()))
    emit("GPU_BENCH_LOAD_DONE {}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;var loadgen_job_default=`# The constant-rate load generator of an LLM-serving fault timeline, as a Job in the workload's
# namespace: loadgen.py travels in a ConfigMap and runs with the vLLM image's own python3 (already
# pulled, no GPU claimed). It reaches the server through its Service, as a client would.
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
data:
  loadgen.py: {{ script }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/workload: {{ workloadId }}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: {{ deadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/managed-by: gpu-bench
        gpu-bench/workload: {{ workloadId }}
        gpu-bench/loadgen: {{ name }}
    spec:
      restartPolicy: Never
      containers:
        - name: loadgen
          image: {{ image }}
          imagePullPolicy: IfNotPresent
          command: ["python3", "-u", "/loadgen/loadgen.py"]
          args: {{ args }}
          volumeMounts:
            - name: script
              mountPath: /loadgen
              readOnly: true
      volumes:
        - name: script
          configMap:
            name: {{ name }}
`;var load_default=`#!/usr/bin/env bash
# The load generator of a fault timeline (loadgen-job.yaml), in three actions:
#   load.sh start manifest.yaml  applies it and waits (bounded) for its first successful request:
#                                the workload's steady state; prints GPU_BENCH_JSON {"steadyAt":\u2026}
#   load.sh read                 relays every request line so far (GPU_BENCH_REQ \u2026, or a training job's
#                                progress records) and whether the Job ended
#   load.sh stop                 relays them one last time and deletes the Job and its ConfigMap
# Environment: NAMESPACE, JOB_NAME (validated by the caller), TIMEOUT_SECONDS (start's wait, default 300).
set -euo pipefail

action="\${1:?usage: load.sh start|read|stop [manifest.yaml]}"
: "\${NAMESPACE:?NAMESPACE is required}" "\${JOB_NAME:?JOB_NAME is required}"
timeout="\${TIMEOUT_SECONDS:-300}"
[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "load.sh: '$timeout' is not a number of seconds" >&2; exit 2; }

k() { kubectl -n "$NAMESPACE" "$@"; }
# The load generator's request lines, or a training job's progress records.
lines() { k logs "job/$JOB_NAME" 2>/dev/null | grep -E '^(GPU_BENCH_(REQ|LOAD)|\\{"record":"progress")' || true; }
ended() {
  local conditions
  conditions="$(k get job "$JOB_NAME" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true)"
  [[ " $conditions " == *" Complete "* || " $conditions " == *" Failed "* ]]
}

case "$action" in
  start)
    manifest="\${2:-manifest.yaml}"
    k delete job "$JOB_NAME" --ignore-not-found --wait=true >/dev/null 2>&1 || true
    kubectl apply -f "$manifest" >&2
    deadline=$(( SECONDS + timeout ))
    while true; do
      first="$(lines | awk '$1 == "GPU_BENCH_REQ" && $4 == 1 { print $3; exit }')"
      if [[ -n "$first" ]]; then
        printf 'GPU_BENCH_JSON {"steadyAt":%s}\\n' "$first"
        exit 0
      fi
      if ended || (( SECONDS >= deadline )); then
        echo "load.sh: no request succeeded within \${timeout}s; the load generator's log:" >&2
        k logs "job/$JOB_NAME" 2>&1 | tail -n 20 >&2 || true
        k describe pods -l "gpu-bench/loadgen=$JOB_NAME" 2>&1 | tail -n 30 >&2 || true
        printf 'GPU_BENCH_JSON {"steadyAt":null}\\n'
        exit 0
      fi
      sleep 0.5
    done ;;
  read)
    lines
    if ended; then echo "GPU_BENCH_JSON {\\"ended\\":true}"; else echo "GPU_BENCH_JSON {\\"ended\\":false}"; fi ;;
  stop)
    lines
    k delete job "$JOB_NAME" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    k delete configmap "$JOB_NAME" --ignore-not-found >/dev/null 2>&1 || true
    echo "GPU_BENCH_JSON {\\"stopped\\":true}" ;;
  *) echo "load.sh: unknown action '$action'" >&2; exit 2 ;;
esac
`;function loadJobName(w){return kubeName("faultload",w.id)}function planLoadStart(w,o){let name=loadJobName(w),manifest=renderManifest(loadgen_job_default,{namespace:o.namespace,name,workloadId:w.id,script:loadgen_default,image:vllmImage(w),args:["--base-url",`http://${o.server}.${o.namespace}.svc:8000`,"--model",w.model,"--rate",String(o.load.requestRate),"--output-len",String(o.load.outputLen),"--request-timeout",String(o.load.requestTimeoutSeconds),"--seconds",String(Math.ceil(o.seconds))],deadlineSeconds:Math.ceil(o.seconds+o.load.requestTimeoutSeconds+o.waitSeconds+120)});return{name:`faults-${w.id}-load-start`,body:load_default,args:["start","manifest.yaml"],env:{NAMESPACE:o.namespace,JOB_NAME:name,TIMEOUT_SECONDS:String(o.waitSeconds)},files:[{path:"manifest.yaml",content:manifest}],timeoutSeconds:o.waitSeconds+120}}function planLoadRead(workloadId2,namespace,jobName,action){return{name:`faults-${workloadId2}-load-${action}`,body:load_default,args:[action],env:{NAMESPACE:namespace,JOB_NAME:jobName},timeoutSeconds:120}}function parseRequests(stdout){let out=[];for(let line of stdout.split(`
`)){if(!line.startsWith("GPU_BENCH_REQ "))continue;let[start,end,ok,ttft]=line.slice(14).split(" "),s=Number(start),e=Number(end);if(!Number.isFinite(s)||!Number.isFinite(e))continue;let t=Number(ttft);out.push({start:s,end:e,ok:ok==="1",...ok==="1"&&Number.isFinite(t)?{ttftMs:t}:{}})}return out}function parseProgress(stdout){let out=[];for(let raw of stdout.split(`
`)){let line=raw.startsWith("GPU_BENCH_JSON ")?raw.slice(15):raw;if(line.startsWith('{"record":"progress"'))try{let r=JSON.parse(line);typeof r.t=="number"&&typeof r.images=="number"&&out.push({t:r.t,images:r.images})}catch{}}return out}var device_plugin_restart_default=`#!/usr/bin/env bash
# Fault device-plugin-restart: deletes NVIDIA's device-plugin pod; its DaemonSet brings a new one,
# which registers nvidia.com/gpu with the kubelet again. Until then the kubelet counts the GPUs as
# unhealthy (allocatable 0): running pods keep theirs, a new pod that needs one cannot be scheduled.
#   inject   deletes the plugin's pod and polls (every 0.25 s, bounded) the node's allocatable
#            nvidia.com/gpu until it is back: {"pod","uid","gpus","injectedAt","droppedAt","backAt"}
#            (droppedAt null: the drop was shorter than the poll; backAt null: not back in time)
#   verify   the pod with that UID is gone or terminating: {"verified":bool}
#   recover  nothing to undo: waits (bounded) for the new plugin pod Ready and nvidia.com/gpu
#            allocatable: {"newPod","startedAt","readyAt","gpus"} (API server timestamps)
# Environment: PLUGIN_NAMESPACE (kube-system), PLUGIN_SELECTOR (name=nvidia-device-plugin-ds),
#   TIMEOUT_SECONDS; verify and recover: POD, POD_UID, GPUS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
NAMESPACE="\${PLUGIN_NAMESPACE:-kube-system}"
SELECTOR="\${PLUGIN_SELECTOR:-name=nvidia-device-plugin-ds}"
[[ "$SELECTOR" =~ ^[A-Za-z0-9./=-]+$ && "$NAMESPACE" =~ ^[a-z0-9-]+$ ]] || { echo "device-plugin-restart: bad selector or namespace" >&2; exit 2; }

case "\${1:?usage: device-plugin-restart.sh inject|verify|recover}" in
  inject)
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "device-plugin-restart: no running device-plugin pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    gpus="$(allocatable_gpus)"
    [[ "\${gpus:-0}" -gt 0 ]] || { echo "device-plugin-restart: the node has no allocatable nvidia.com/gpu before the fault" >&2; exit 3; }
    uid="$(k get pod "$pod" -o jsonpath='{.metadata.uid}')"
    at="$(now)"
    k delete pod "$pod" --wait=false >&2
    deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} )) dropped=null back=null
    while (( SECONDS < deadline )); do
      have="$(allocatable_gpus)"
      if [[ "\${have:-0}" -lt "$gpus" ]]; then
        [[ "$dropped" != null ]] || dropped="$(now)"
      elif [[ "$dropped" != null ]] || [[ "$(k get pods -l "$SELECTOR" -o jsonpath='{.items[*].metadata.uid}' 2>/dev/null)" != *"$uid"* ]]; then
        # Back to the count before, after the old pod is gone (or after the drop was seen).
        back="$(now)"
        break
      fi
      sleep 0.25
    done
    json "{\\"pod\\":\\"$pod\\",\\"uid\\":\\"$uid\\",\\"gpus\\":$gpus,\\"injectedAt\\":$at,\\"droppedAt\\":$dropped,\\"backAt\\":$back}" ;;
  verify)
    : "\${POD:?}" "\${POD_UID:?}"
    current="$(k get pod "$POD" -o jsonpath='{.metadata.uid}/{.metadata.deletionTimestamp}' 2>/dev/null || true)"
    if [[ -z "$current" || "$current" != "$POD_UID/" ]]; then json '{"verified":true}'; else json '{"verified":false}'; fi ;;
  recover)
    : "\${POD:?}" "\${GPUS:?}"
    if ! pod="$(EXCLUDE="$POD" wait_ready)"; then json '{"newPod":null}'; exit 0; fi
    deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} ))
    while (( SECONDS < deadline )) && [[ "$(allocatable_gpus)" -lt "$GPUS" ]]; do sleep 0.25; done
    times="$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    read -r started ready <<<"$times"
    json "{\\"newPod\\":\\"$pod\\",\\"startedAt\\":\\"$started\\",\\"readyAt\\":\\"$ready\\",\\"gpus\\":$(allocatable_gpus)}" ;;
  *) echo "device-plugin-restart: unknown action" >&2; exit 2 ;;
esac
`;var devicePluginRestart={async inject(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"inject",device_plugin_restart_default,target,{})),pod=str(out.pod),at=num4(out.injectedAt),gpus=num4(out.gpus);if(!pod||at===void 0||gpus===void 0)throw new Error("device-plugin-restart printed no pod, GPU count or time");let back=num4(out.backAt),dropped=num4(out.droppedAt);return{injectedAt:at,target:`pod kube-system/${pod}`,state:{POD:pod,POD_UID:str(out.uid)??"",GPUS:String(gpus),BACK_AT:back===void 0?"":String(back),DROPPED_AT:dropped===void 0?"":String(dropped)}}},async verify(remote,fault,target,injection){return(await runFaultScript(remote,faultScript(fault,"verify",device_plugin_restart_default,target,injection.state))).verified!==!0?{verified:!1,detail:`device-plugin pod ${injection.state.POD} is still there`}:{verified:!0,detail:injection.state.DROPPED_AT===""?"nvidia.com/gpu never read below its count (the gap was under 0.25 s)":void 0}},async recover(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",device_plugin_restart_default,target,injection.state)),newPod=str(out.newPod),gpus=num4(out.gpus)??0,back=injection.state.BACK_AT===""?void 0:Number(injection.state.BACK_AT);return newPod?gpus<Number(injection.state.GPUS)?{ok:!1,detail:`nvidia.com/gpu allocatable ${gpus} of ${injection.state.GPUS} after ${target.timeoutSeconds}s`}:{ok:!0,removedAt:back,detail:`replaced by ${newPod}`}:{ok:!1,detail:`no Ready device-plugin pod replaced ${injection.state.POD} within ${target.timeoutSeconds}s`}},async observe(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",device_plugin_restart_default,target,injection.state)),newPod=str(out.newPod),back=injection.state.BACK_AT===""?void 0:Number(injection.state.BACK_AT);return{oldPod:injection.state.POD,newPod,gpuAllocatableSeconds:back===void 0?void 0:Math.round((back-injection.injectedAt)*1e3)/1e3,containerStartSeconds:between(injection.injectedAt,str(out.startedAt)),totalRecoverySeconds:between(injection.injectedAt,str(out.readyAt))}}};var gpu_burn_pod_default=`# The competing CUDA process of a gpu-contention fault: gpu-burn.py (from a ConfigMap) in the
# workload's own image (already on the node), through the nvidia runtime with every GPU visible
# but no nvidia.com/gpu claimed, so the device plugin does not keep it off the workload's GPU.
# Its own --seconds and activeDeadlineSeconds bound it even if its recover never ran.
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/fault: {{ faultId }}
data:
  gpu-burn.py: {{ script }}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/fault: {{ faultId }}
spec:
  restartPolicy: Never
  activeDeadlineSeconds: {{ deadlineSeconds }}
  terminationGracePeriodSeconds: 0
  runtimeClassName: nvidia
  containers:
    - name: burn
      image: {{ image }}
      imagePullPolicy: IfNotPresent
      command: ["python3", "-u", "/burn/gpu-burn.py"]
      args: {{ args }}
      env:
        - name: NVIDIA_VISIBLE_DEVICES
          value: all
      volumeMounts:
        - name: script
          mountPath: /burn
          readOnly: true
  volumes:
    - name: script
      configMap:
        name: {{ name }}
`;var gpu_burn_default=`"""A competing CUDA process for the gpu-contention fault: square matrix products on GPU 0 in a loop
for --seconds (or until SIGTERM), synchronised every iteration so the GPU is really busy. Prints one
line when the first product finished (the CUDA context exists: the contention is on; "t" is that
moment, epoch seconds), then one per second with the products done so far.

  python3 gpu-burn.py --size 4096 --seconds 120
"""
import argparse
import json
import signal
import sys
import time


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--seconds", type=float, required=True)
    args = p.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("gpu-burn: no CUDA device is visible (nvidia runtime, NVIDIA_VISIBLE_DEVICES?)", file=sys.stderr)
        return 3
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    a = torch.randn(args.size, args.size, device="cuda", dtype=torch.float16)
    b = torch.randn(args.size, args.size, device="cuda", dtype=torch.float16)
    end = time.time() + args.seconds
    done, last = 0, 0.0
    while not stop and time.time() < end:
        torch.matmul(a, b)
        torch.cuda.synchronize()
        done += 1
        now = time.time()
        if done == 1:
            started = {"burn": "started", "gpu": torch.cuda.get_device_name(0), "size": args.size, "t": round(now, 3)}
            print("GPU_BENCH_JSON " + json.dumps(started), flush=True)
        if now - last >= 1:
            print("GPU_BENCH_JSON " + json.dumps({"burn": "running", "products": done, "t": round(now, 3)}), flush=True)
            last = now
    print("GPU_BENCH_JSON " + json.dumps({"burn": "stopped", "products": done}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;var hog_default=`#!/usr/bin/env bash
# Faults that add a noisy neighbour pod on the node: cpu-stress and memory-stress (stress-ng),
# gpu-contention (a second CUDA process on the workload's GPU). The pod is manifest.yaml beside
# this script, rendered by the caller.
#   inject   applies it and waits (bounded) until its log shows the hog at work (MARKER); the hog's
#            start is the injection (the line's "t", else the container's startedAt):
#            {"pod","injectedAt","seenAt"}; a pod that fails or never gets there: {"pod":null,"why"}
#   verify   the pod still runs, and for a GPU hog nvidia-smi lists its process on the GPU:
#            {"verified":bool,"detail"}
#   recover  deletes the pod (and its ConfigMap) and reads back that it is gone: {"removed":bool,"removedAt"}
# Environment: NAMESPACE, POD_NAME, MARKER (an extended regex of the log line), GPU_CHECK (1: read
#   the GPU's compute processes back), TIMEOUT_SECONDS.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
: "\${NAMESPACE:?}" "\${POD_NAME:?}" "\${MARKER:?}"
[[ "$POD_NAME" =~ ^[a-z0-9-]+$ ]] || { echo "hog: bad pod name" >&2; exit 2; }
phase() { k get pod "$POD_NAME" -o jsonpath='{.status.phase}' 2>/dev/null || true; }

case "\${1:?usage: hog.sh inject|verify|recover}" in
  inject)
    k delete pod "$POD_NAME" --ignore-not-found --grace-period=0 --wait=true >/dev/null 2>&1 || true
    kubectl apply -f "$(dirname "\${BASH_SOURCE[0]}")/manifest.yaml" >&2
    deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} ))
    while (( SECONDS < deadline )); do
      line="$(k logs "$POD_NAME" 2>/dev/null | grep -E -- "$MARKER" | head -n 1 || true)"
      if [[ -n "$line" ]]; then
        # The hog's own start, not when this poll saw it (up to a kubectl call later: the baseline
        # would end with requests the hog already slowed): the time the line carries ("t", node
        # clock), else the container's start from the runtime (whole seconds on a real API server:
        # early, never late).
        if [[ "$line" =~ \\"t\\":\\ ?([0-9]+(\\.[0-9]+)?) ]]; then
          at="\${BASH_REMATCH[1]}"
        else
          started="$(k get pod "$POD_NAME" -o jsonpath='{.status.containerStatuses[0].state.running.startedAt}' 2>/dev/null || true)"
          at="$(date -d "$started" +%s.%N 2>/dev/null | cut -c1-14 || true)"
          [[ -n "$at" ]] || at="$(now)"
        fi
        json "{\\"pod\\":\\"$POD_NAME\\",\\"injectedAt\\":$at,\\"seenAt\\":$(now)}"
        exit 0
      fi
      p="$(phase)"
      if [[ "$p" == Failed || "$p" == Succeeded ]]; then break; fi
      sleep 0.25
    done
    echo "hog: $POD_NAME never got to work (phase \${p:-unknown}); its log:" >&2
    k logs "$POD_NAME" 2>&1 | tail -n 5 >&2 || true
    k describe pod "$POD_NAME" 2>&1 | tail -n 10 >&2 || true
    json "{\\"pod\\":null,\\"why\\":\\"the hog pod never started its work (phase \${p:-unknown})\\"}" ;;
  verify)
    p="$(phase)"
    [[ "$p" == Running ]] || { json "{\\"verified\\":false,\\"detail\\":\\"the hog pod is \${p:-gone}\\"}"; exit 0; }
    if [[ "\${GPU_CHECK:-0}" == 1 ]]; then
      pid="$(container_pid "$POD_NAME" || true)"
      apps="$(nvidia-smi --query-compute-apps=pid --format=csv,noheader 2>/dev/null | tr -d ' ' | tr '\\n' ' ')"
      if [[ -z "$pid" || " $apps " != *" $pid "* ]]; then
        json "{\\"verified\\":false,\\"detail\\":\\"nvidia-smi lists no process of the hog pod (PID \${pid:-?}; compute apps: \${apps:-none})\\"}"
        exit 0
      fi
      json "{\\"verified\\":true,\\"detail\\":\\"PID $pid on the GPU beside: $apps\\"}"
      exit 0
    fi
    json "{\\"verified\\":true,\\"detail\\":\\"$(k logs "$POD_NAME" 2>/dev/null | grep -E -- "$MARKER" | tail -n 1 | tr -dc 'A-Za-z0-9 :,._%-')\\"}" ;;
  recover)
    at="$(now)"
    k delete pod "$POD_NAME" --ignore-not-found --grace-period=0 --wait=true --timeout="\${TIMEOUT_SECONDS:-300}s" >&2 || true
    k delete configmap "$POD_NAME" --ignore-not-found >/dev/null 2>&1 || true
    if [[ -n "$(k get pod "$POD_NAME" -o name 2>/dev/null || true)" ]]; then removed=false; else removed=true; fi
    json "{\\"removed\\":$removed,\\"removedAt\\":$at}" ;;
  *) echo "hog: unknown action" >&2; exit 2 ;;
esac
`;var stress_pod_default=`# A stress-ng pod of a cpu-stress or memory-stress fault, in the workload's namespace on its node
# (k3s's single node). No resources requested or limited: it competes with the workload as any
# noisy neighbour on the node would. stress-ng's own --timeout and activeDeadlineSeconds bound it
# even if its recover never ran.
apiVersion: v1
kind: Pod
metadata:
  name: {{ name }}
  namespace: {{ namespace }}
  labels:
    app.kubernetes.io/managed-by: gpu-bench
    gpu-bench/fault: {{ faultId }}
spec:
  restartPolicy: Never
  activeDeadlineSeconds: {{ deadlineSeconds }}
  terminationGracePeriodSeconds: 0
  containers:
    - name: stress
      image: {{ image }}
      imagePullPolicy: IfNotPresent
      args: {{ args }}
`;var STRESS_NG_IMAGE="docker.io/alexeiled/stress-ng:0.12.05";function selfLimit(f){return Math.ceil(f.duration+60)}function hogPod(f,target){let name=kubeName("fault",f.id),common2={name,namespace:target.namespace,faultId:f.id,deadlineSeconds:Math.ceil(f.duration+f.timeoutSeconds+120)};if(f.kind==="gpu-contention"){if(!target.image)throw new Error("gpu-contention needs the workload's image to run its CUDA process in");return{name,gpu:!0,marker:'"burn": "started"',manifest:renderManifest(gpu_burn_pod_default,{...common2,image:target.image,script:gpu_burn_default,args:["--size",String(f.params.matrixSize),"--seconds",String(selfLimit(f))]})}}let args=f.kind==="cpu-stress"?["--cpu",String(f.params.workers),"--timeout",`${selfLimit(f)}s`,"--metrics-brief"]:["--vm",String(f.params.workers),"--vm-bytes",`${Math.round(f.params.memoryShare*100)}%`,"--vm-keep","--timeout",`${selfLimit(f)}s`];return{name,gpu:!1,marker:"dispatching hogs",manifest:renderManifest(stress_pod_default,{...common2,image:STRESS_NG_IMAGE,args})}}function hogScript(f,verb,target){let pod=hogPod(f,target),script=faultScript(f,verb,hog_default,target,{POD_NAME:pod.name,MARKER:pod.marker,GPU_CHECK:pod.gpu?"1":"0"});return{...script,files:[...script.files??[],{path:"manifest.yaml",content:pod.manifest}]}}function describeHog(f){return f.kind==="cpu-stress"?`stress-ng --cpu ${f.params.workers}`:f.kind==="memory-stress"?`stress-ng --vm ${f.params.workers} --vm-bytes ${Math.round(f.params.memoryShare*100)}%`:`GEMM ${f.params.matrixSize}\xB2 fp16 loop on GPU 0`}var hog={async inject(remote,fault,target){let out=await runFaultScript(remote,hogScript(fault,"inject",target)),pod=str(out.pod),at=num4(out.injectedAt);if(!pod||at===void 0)throw new Error(str(out.why)??`${fault.kind}: the hog pod printed no time`);let seen=num4(out.seenAt);return{injectedAt:at,target:`pod ${pod} (${describeHog(fault)})`,state:{},lagSeconds:seen===void 0?void 0:Math.max(0,seen-at)}},async verify(remote,fault,target){let out=await runFaultScript(remote,hogScript(fault,"verify",target));return{verified:out.verified===!0,detail:str(out.detail)}},async recover(remote,fault,target){let out=await runFaultScript(remote,hogScript(fault,"recover",target));return out.removed===!0?{ok:!0,removedAt:num4(out.removedAt)}:{ok:!1,removedAt:num4(out.removedAt),detail:`the ${fault.kind} pod is still there after deleting it`}},async observe(){}};var k3s_restart_default=`#!/usr/bin/env bash
# Fault k3s-restart: restarts the k3s service (API server, scheduler, kubelet, containerd's
# supervisor); running containers survive it, the control plane is away until k3s is up again.
#   inject   records the unit's InvocationID, restarts it (--no-block) and polls the API server
#            until it answers again (bounded): {"before","injectedAt","apiAt"} (apiAt null: never)
#   verify   the unit runs under a new InvocationID (a new start, read back from systemd)
#   recover  nothing to undo: waits (bounded) for the node Ready and the workload's pod Ready:
#            {"nodeReadyAt","pod","podReadyAt"} (API server timestamps) and "backAt" (node clock,
#            when both were seen: the end of the fault, from which recovery is looked for)
# Environment: NAMESPACE, SELECTOR, TIMEOUT_SECONDS; verify: BEFORE.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
: "\${NAMESPACE:?}" "\${SELECTOR:?}"
invocation() { systemctl show -p InvocationID --value k3s 2>/dev/null || true; }

case "\${1:?usage: k3s-restart.sh inject|verify|recover}" in
  inject)
    systemctl is-active --quiet k3s || { echo "k3s-restart: the k3s service is not active" >&2; exit 3; }
    before="$(invocation)"
    at="$(now)"
    systemctl --no-block restart k3s >&2
    # The API server is polled from the restart on: the first answer after it is the control plane back.
    deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} )) api=null
    sleep 0.1
    while (( SECONDS < deadline )); do
      if api_up && [[ "$(invocation)" != "$before" ]]; then api="$(now)"; break; fi
      sleep 0.1
    done
    json "{\\"before\\":\\"$before\\",\\"injectedAt\\":$at,\\"apiAt\\":$api}" ;;
  verify)
    : "\${BEFORE?}"
    for _ in $(seq 1 120); do
      id="$(invocation)"
      if [[ -n "$id" && "$id" != "$BEFORE" ]]; then json "{\\"verified\\":true,\\"invocation\\":\\"$id\\"}"; exit 0; fi
      sleep 0.25
    done
    json '{"verified":false}' ;;
  recover)
    deadline=$(( SECONDS + \${TIMEOUT_SECONDS:-300} ))
    if ! node_at="$(wait_node_ready "$deadline")"; then json '{"nodeReadyAt":null,"pod":null}'; exit 0; fi
    if ! pod="$(wait_ready)"; then json "{\\"nodeReadyAt\\":\\"$node_at\\",\\"pod\\":null}"; exit 0; fi
    ready="$(k get pod "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    json "{\\"nodeReadyAt\\":\\"$node_at\\",\\"pod\\":\\"$pod\\",\\"podReadyAt\\":\\"$ready\\",\\"backAt\\":$(now)}" ;;
  *) echo "k3s-restart: unknown action" >&2; exit 2 ;;
esac
`;var k3sRestart={async inject(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"inject",k3s_restart_default,target,{})),at=num4(out.injectedAt);if(at===void 0)throw new Error("k3s-restart printed no time");let api=num4(out.apiAt);return{injectedAt:at,target:"k3s.service",state:{BEFORE:str(out.before)??"",API_AT:api===void 0?"":String(api)}}},async verify(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"verify",k3s_restart_default,target,injection.state));return out.verified!==!0?{verified:!1,detail:"k3s runs under the same InvocationID as before: it was not restarted"}:injection.state.API_AT===""?{verified:!0,detail:`the API server did not answer within ${target.timeoutSeconds}s`}:{verified:!0,detail:`new InvocationID ${str(out.invocation)??"?"}`}},async recover(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"recover",k3s_restart_default,target,{}));return str(out.nodeReadyAt)?str(out.pod)?{ok:!0,removedAt:num4(out.backAt),detail:`pod ${str(out.pod)} Ready`}:{ok:!1,detail:`the workload's pod was not Ready within ${target.timeoutSeconds}s`}:{ok:!1,detail:`the node was not Ready again within ${target.timeoutSeconds}s`}},async observe(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",k3s_restart_default,target,{})),api=injection.state.API_AT===""?void 0:Number(injection.state.API_AT);return{controlPlaneSeconds:api===void 0?void 0:Math.round((api-injection.injectedAt)*1e3)/1e3,nodeReadySeconds:between(injection.injectedAt,str(out.nodeReadyAt)),newPod:str(out.pod)}}};var netem_default=`#!/usr/bin/env bash
# Faults network-delay and network-loss: tc netem on the interface of the workload's pod, entered
# through the pod's network namespace (nsenter -t <container PID> -n), removed by recover.
#   inject   adds the qdisc: {"pod","pid","injectedAt"}
#   verify   reads it back (tc qdisc show): {"verified":bool,"qdisc":\u2026}
#   recover  deletes it and reads back that it is gone: {"removed":bool}; a pod that is gone took it along
# Environment: NAMESPACE, SELECTOR, DEVICE (default eth0), NETEM (the netem arguments, built by the
#   caller from numbers: "delay 200ms 20ms" or "loss 5%"); verify and recover: PID.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
: "\${NAMESPACE:?}" "\${SELECTOR:?}"
device="\${DEVICE:-eth0}"
[[ "$device" =~ ^[a-z0-9]+$ ]] || { echo "netem: bad device" >&2; exit 2; }
in_pod() { nsenter -t "$1" -n "\${@:2}"; }

case "\${1:?usage: netem.sh inject|verify|recover}" in
  inject)
    [[ "\${NETEM:?}" =~ ^(delay\\ [0-9]+ms(\\ [0-9]+ms)?|loss\\ [0-9.]+%)$ ]] || { echo "netem: NETEM '$NETEM' is not a delay or loss" >&2; exit 2; }
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "netem: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    pid="$(container_pid "$pod")" || { echo "netem: no PID for the container of $pod" >&2; exit 3; }
    at="$(now)"
    # shellcheck disable=SC2086  # NETEM is a validated list of words
    in_pod "$pid" tc qdisc replace dev "$device" root netem $NETEM >&2
    json "{\\"pod\\":\\"$pod\\",\\"pid\\":$pid,\\"injectedAt\\":$at}" ;;
  verify)
    : "\${PID:?}"
    shown="$(in_pod "$PID" tc qdisc show dev "$device" 2>&1 || true)"
    if [[ "$shown" == *netem* ]]; then ok=true; else ok=false; fi
    json "{\\"verified\\":$ok,\\"qdisc\\":\\"$(printf '%s' "$shown" | head -n 1 | tr -dc 'A-Za-z0-9 :._%/-')\\"}" ;;
  recover)
    : "\${PID:?}"
    if ! kill -0 "$PID" 2>/dev/null; then json "{\\"removed\\":true,\\"podGone\\":true,\\"removedAt\\":$(now)}"; exit 0; fi
    at="$(now)"
    in_pod "$PID" tc qdisc del dev "$device" root >&2 2>&1 || true
    shown="$(in_pod "$PID" tc qdisc show dev "$device" 2>&1 || true)"
    if [[ "$shown" == *netem* ]]; then removed=false; else removed=true; fi
    json "{\\"removed\\":$removed,\\"removedAt\\":$at}" ;;
  *) echo "netem: unknown action" >&2; exit 2 ;;
esac
`;function netemArgs(fault){return fault.kind==="network-delay"?`delay ${fault.params.delayMs}ms${fault.params.jitterMs>0?` ${fault.params.jitterMs}ms`:""}`:`loss ${Number(fault.params.lossPercent.toFixed(3))}%`}var network={async inject(remote,fault,target){let args=netemArgs(fault),out=await runFaultScript(remote,faultScript(fault,"inject",netem_default,target,{NETEM:args})),pod=str(out.pod),pid=num4(out.pid),at=num4(out.injectedAt);if(!pod||pid===void 0||at===void 0)throw new Error("netem printed no pod, PID or time");return{injectedAt:at,target:`pod ${pod} eth0 (netem ${args})`,state:{POD:pod,PID:String(pid)}}},async verify(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"verify",netem_default,target,injection.state));return{verified:out.verified===!0,detail:str(out.qdisc)}},async recover(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",netem_default,target,injection.state));return out.removed===!0?{ok:!0,removedAt:num4(out.removedAt)}:{ok:!1,removedAt:num4(out.removedAt),detail:"the netem qdisc is still there after deleting it"}},async observe(){}};var pod_kill_default=`#!/usr/bin/env bash
# Fault pod-kill: deletes the workload's pod; its controller (Deployment) brings a new one.
#   inject   deletes it (GRACE_SECONDS) and prints {"pod","uid","injectedAt"}
#   verify   the pod with that UID is gone or terminating: {"verified":bool}
#   recover  nothing to undo: waits (bounded) for a Ready replacement and prints Krkn's times from
#            the API server's timestamps: {"newPod","createdAt","scheduledAt","startedAt","readyAt"}
# Environment: NAMESPACE, SELECTOR, GRACE_SECONDS, TIMEOUT_SECONDS; verify and recover: POD, POD_UID.
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
: "\${NAMESPACE:?}" "\${SELECTOR:?}"

case "\${1:?usage: pod-kill.sh inject|verify|recover}" in
  inject)
    pod="$(target_pod)"
    [[ -n "$pod" ]] || { echo "pod-kill: no running pod matches $SELECTOR in $NAMESPACE" >&2; exit 3; }
    uid="$(k get pod "$pod" -o jsonpath='{.metadata.uid}')"
    at="$(now)"
    k delete pod "$pod" --grace-period="\${GRACE_SECONDS:-0}" --wait=false >&2
    json "{\\"pod\\":\\"$pod\\",\\"uid\\":\\"$uid\\",\\"injectedAt\\":$at}" ;;
  verify)
    : "\${POD:?}" "\${POD_UID:?}"
    current="$(k get pod "$POD" -o jsonpath='{.metadata.uid}/{.metadata.deletionTimestamp}' 2>/dev/null || true)"
    if [[ -z "$current" || "$current" != "$POD_UID/" ]]; then json '{"verified":true}'; else json '{"verified":false}'; fi ;;
  recover)
    : "\${POD:?}"
    if ! pod="$(EXCLUDE="$POD" wait_ready)"; then json '{"newPod":null}'; exit 0; fi
    times="$(k get pod "$pod" -o jsonpath='{.metadata.creationTimestamp} {.status.conditions[?(@.type=="PodScheduled")].lastTransitionTime} {.status.containerStatuses[0].state.running.startedAt} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    read -r created scheduled started ready <<<"$times"
    json "{\\"newPod\\":\\"$pod\\",\\"createdAt\\":\\"$created\\",\\"scheduledAt\\":\\"$scheduled\\",\\"startedAt\\":\\"$started\\",\\"readyAt\\":\\"$ready\\"}" ;;
  *) echo "pod-kill: unknown action" >&2; exit 2 ;;
esac
`;var podKill={async inject(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"inject",pod_kill_default,target,{GRACE_SECONDS:String(fault.params.gracePeriodSeconds)})),pod=str(out.pod),at=num4(out.injectedAt);if(!pod||at===void 0)throw new Error("pod-kill printed no pod or time");return{injectedAt:at,target:`pod ${pod}`,state:{POD:pod,POD_UID:str(out.uid)??""}}},async verify(remote,fault,target,injection){return(await runFaultScript(remote,faultScript(fault,"verify",pod_kill_default,target,injection.state))).verified===!0?{verified:!0}:{verified:!1,detail:`pod ${injection.state.POD} is still there`}},async recover(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",pod_kill_default,target,injection.state)),newPod=str(out.newPod);return newPod?{ok:!0,detail:`replaced by ${newPod}`}:{ok:!1,detail:`no Ready replacement for ${injection.state.POD} within ${target.timeoutSeconds}s`}},async observe(remote,fault,target,injection){let out=await runFaultScript(remote,faultScript(fault,"recover",pod_kill_default,target,injection.state)),newPod=str(out.newPod);if(!newPod)return{oldPod:injection.state.POD};let scheduled=str(out.scheduledAt),ready=str(out.readyAt);return{oldPod:injection.state.POD,newPod,podReschedulingSeconds:between(injection.injectedAt,scheduled),podReadinessSeconds:between(scheduled,ready),containerStartSeconds:between(injection.injectedAt,str(out.startedAt)),totalRecoverySeconds:between(injection.injectedAt,ready)}}};var power_cap_default=`#!/usr/bin/env bash
# Fault gpu-power-cap: lowers the power limit of GPU 0 to FRACTION of its default, verified by
# reading the limit back (nvidia-smi can print "not supported" and still exit 0), restored after.
#   inject   {"defaultW","targetW","limitW","injectedAt"}: the limit read back after setting it
#   recover  sets the default again and reads it back: {"limitW","restored":bool}
# Environment: FRACTION (0.1-0.95), GPU (index, default 0).
set -euo pipefail
# shellcheck source=remote/faults/lib.sh disable=SC1091
source "$(dirname "\${BASH_SOURCE[0]}")/lib.sh"
gpu="\${GPU:-0}"
[[ "$gpu" =~ ^[0-9]+$ ]] || { echo "power-cap: GPU must be an index" >&2; exit 2; }
read_limits() { nvidia-smi -i "$gpu" --query-gpu=power.default_limit,power.min_limit,power.limit --format=csv,noheader,nounits | tr -d ' '; }
number() { [[ "$1" =~ ^[0-9]+(\\.[0-9]+)?$ ]] && echo "$1" || echo null; }

case "\${1:?usage: power-cap.sh inject|recover}" in
  inject)
    [[ "\${FRACTION:?}" =~ ^0\\.[0-9]+$ ]] || { echo "power-cap: FRACTION must be a number below 1" >&2; exit 2; }
    IFS=, read -r default min _ <<<"$(read_limits)"
    [[ "$(number "$default")" != null ]] || { echo "power-cap: the GPU reports no default power limit ('$default')" >&2; json '{"defaultW":null}'; exit 0; }
    target="$(awk -v d="$default" -v f="$FRACTION" -v m="$(number "$min")" 'BEGIN { t = d * f; if (m != "null" && t < m) t = m; printf "%.0f", t }')"
    at="$(now)"
    nvidia-smi -i "$gpu" -pl "$target" >&2 || true
    IFS=, read -r _ _ limit <<<"$(read_limits)"
    json "{\\"defaultW\\":$default,\\"targetW\\":$target,\\"limitW\\":$(number "$limit"),\\"injectedAt\\":$at}" ;;
  recover)
    IFS=, read -r default _ _ <<<"$(read_limits)"
    at="$(now)"
    nvidia-smi -i "$gpu" -pl "$default" >&2 || true
    IFS=, read -r _ _ limit <<<"$(read_limits)"
    ok="$(awk -v a="$limit" -v b="$default" 'BEGIN { print (a - b < 1 && b - a < 1) ? "true" : "false" }')"
    json "{\\"limitW\\":$(number "$limit"),\\"restored\\":$ok,\\"removedAt\\":$at}" ;;
  *) echo "power-cap: unknown action" >&2; exit 2 ;;
esac
`;var gpuPowerCap={async inject(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"inject",power_cap_default,target,{FRACTION:fault.params.fraction.toFixed(3)})),at=num4(out.injectedAt),def=num4(out.defaultW);if(at===void 0||def===void 0)throw new Error("the GPU reports no default power limit: it cannot be capped");return{injectedAt:at,target:`GPU 0: ${num4(out.targetW)} W of ${def} W`,state:{DEFAULT_W:String(def),TARGET_W:String(num4(out.targetW)??""),LIMIT_W:String(num4(out.limitW)??"")}}},async verify(_remote,_fault,_target,injection){let limit=Number(injection.state.LIMIT_W),wanted=Number(injection.state.TARGET_W);return injection.state.LIMIT_W!==""&&Math.abs(limit-wanted)<1?{verified:!0,detail:`limit read back ${limit} W`}:{verified:!1,detail:`the power limit read back ${injection.state.LIMIT_W||"nothing"} W, not ${wanted} W`}},async recover(remote,fault,target){let out=await runFaultScript(remote,faultScript(fault,"recover",power_cap_default,target,{}));return out.restored===!0?{ok:!0,removedAt:num4(out.removedAt),detail:`limit back to ${num4(out.limitW)} W`}:{ok:!1,removedAt:num4(out.removedAt),detail:`the power limit reads ${num4(out.limitW)??"?"} W after restoring it`}},async observe(){}};var MODULES={"pod-kill":podKill,"container-kill":containerKill,"network-delay":network,"network-loss":network,"gpu-power-cap":gpuPowerCap,"k3s-restart":k3sRestart,"device-plugin-restart":devicePluginRestart,"cpu-stress":hog,"memory-stress":hog,"gpu-contention":hog},TAIL_SECONDS=5,OBSERVE_POLL_MS=2e3;function describe2(error){let first=errorLine(error instanceof Error?error.message:String(error));if(!(error instanceof RemoteScriptError))return first;let last=(error.result.stderr||error.result.stdout).trim().split(`
`).at(-1);return last?`${first}: ${errorLine(last)}`:first}function resilienceMetric(faults2){let score=resilienceScore(faults2);if(score!==void 0)return metric({name:"resilience_score",label:"Resilience score",unit:"%",direction:"higher",headline:!0},[Math.round(score*10)/10])}async function runFaultScenarios(remote,workload,ctx){if(workload.faults.length===0)return{faults:[]};let faults2=[...workload.faults].sort((a,b)=>a.at-b.at),results=workload.kind==="llm-serving"?await llmTimeline(remote,workload,faults2,ctx):await trainingTimeline(remote,workload,faults2,ctx);return{faults:results,metric:resilienceMetric(results)}}async function holdFault(remote,fault,target,ctx){let mod=MODULES[fault.kind],held={fault};if(!mod)return{...held,error:`fault kind ${fault.kind} is not built in this version`};let recovered=!1,recover=async()=>{if(recovered||!held.injection)return;recovered=!0;let r=await mod.recover(remote,fault,target,held.injection);if(held.recoverOk=r.ok,held.recoverDetail=r.detail,held.removedAt=r.removedAt,!r.ok)throw new Error(`recovering fault ${fault.id} (${fault.kind}) failed: ${r.detail??"no detail"}`)};ctx.registerCleanup(`recover fault ${fault.id}`,async()=>{!recovered&&held.injection&&ctx.log.warning(`Fault ${fault.id} was still in place at cleanup: taking it back`),await recover()});try{held.injection=await mod.inject(remote,fault,target);let injectedLocal=ctx.clock.now()-(held.injection.lagSeconds??0)*1e3;ctx.log.info(`fault ${fault.id}: injected ${fault.kind} on ${held.injection.target}`),held.verification=await mod.verify(remote,fault,target,held.injection),held.verification.verified||ctx.log.warning(`fault ${fault.id}: not verified: ${held.verification.detail??""}`),fault.duration!==void 0&&await sleepUntil(ctx,injectedLocal+fault.duration*1e3),await recover().catch(e=>{ctx.log.error(`Fault ${fault.id}: ${describe2(e)}. Measurements after it may be polluted.`)}),held.pods=await mod.observe(remote,fault,target,held.injection)}catch(error){if(ctx.signal?.aborted)throw error;held.error=describe2(error),ctx.log.warning(`fault ${fault.id}: ${held.error}`)}return held}function toResult(workloadId2,held,m,window){let f=held.fault,injected=held.injection!==void 0,verified=held.verification?.verified===!0,errorRate=m&&"errorRate"in m?m.errorRate:void 0,recovered=(m?.recovered??!1)&&held.recoverOk!==!1,judged=judgeFault({injected,verified,recovered,recoverySeconds:m?.recoverySeconds,errorRate},f.slo),status=held.skipped?"not-injected":held.error&&!injected?"error":judged.status,notes=[held.error,injected&&!verified?`not verified: ${held.verification?.detail??"no read-back"}`:void 0,held.recoverOk===!1?`recover failed: ${held.recoverDetail??""}`:void 0,injected&&verified&&m&&!m.recovered?`not back within \xB1${f.slo.band}% of the baseline within ${f.timeoutSeconds}s`:void 0].filter(n=>!!n),iso=s=>new Date(Math.round(s*1e3)).toISOString();return{id:f.id,kind:f.kind,workload:workloadId2,target:held.injection?.target,injected,verified,recovered,injectedAt:held.injection?iso(held.injection.injectedAt):void 0,window:window?{start:iso(window.start),end:iso(window.end)}:void 0,faultSeconds:held.removedAt!==void 0&&held.injection?Math.round((held.removedAt-held.injection.injectedAt)*10)/10:void 0,timeToDetectSeconds:m?.timeToDetectSeconds,timeToFirstSuccessSeconds:m&&"timeToFirstSuccessSeconds"in m?m.timeToFirstSuccessSeconds:void 0,recoverySeconds:m?.recoverySeconds,errorRate,stepsLost:m&&"stepsLost"in m?m.stepsLost:void 0,baseline:m?.baseline,during:m?.during,after:m?.after,pods:held.pods,slo:f.slo,sloMet:status==="ok",weight:f.weight,sloShare:status==="error"?0:judged.sloShare,status,message:notes.length>0?notes.join("; "):void 0,timeline:m?.timeline??[]}}function skippedFaults(workload,why){return workload.faults.map(f=>toResult(workload.id,{fault:f,error:why,skipped:!0},void 0,void 0))}function notRun(workloadId2,faults2,why){return faults2.map(f=>toResult(workloadId2,{fault:f,error:why},void 0,void 0))}async function sleepUntil(ctx,localMs){let wait=localMs-ctx.clock.now();wait>0&&await ctx.clock.sleep(wait,ctx.signal)}async function llmTimeline(remote,w,faults2,ctx){let namespace=ctx.namespace??WORKLOAD_NAMESPACE,server=serverNames(w).server,loadJob=loadJobName(w),seconds2=faultTimelineSeconds(faults2)+TAIL_SECONDS,load=faults2[0].load,held=[],stdout;try{let up=await remote(planServerUp(w,effectiveDtype(w,ctx.gpu?.computeCapability,ctx.gpu?.name),namespace,ctx.hfToken)),ready=lastMarked(up.stdout,MARK.server,ServerOutcome);if(ready?.outcome!=="ready")return notRun(w.id,faults2,`the vLLM server did not become ready for the fault timeline (${ready?.outcome??"no outcome"})`);ctx.registerCleanup(`stop fault load of ${w.id}`,async()=>{await remote(planLoadRead(w.id,namespace,loadJob,"stop"))});let start=await remote(planLoadStart(w,{namespace,server,load,seconds:seconds2,waitSeconds:w.serverStartTimeoutMinutes*60}));if(typeof markedJsonLines(start.stdout).at(-1)?.steadyAt!="number")return notRun(w.id,faults2,"the load generator never got a completion from the server: no steady state");let t0=ctx.clock.now();ctx.log.info(`${w.id}: steady state under ${load.requestRate} req/s; faults at ${faults2.map(f=>`${f.id} +${f.at}s`).join(", ")}`);for(let fault of faults2){await sleepUntil(ctx,t0+fault.at*1e3);let target={namespace,selector:`gpu-bench/server=${server}`,timeoutSeconds:fault.timeoutSeconds,image:vllmImage(w)},h=await holdFault(remote,fault,target,ctx);if(held.push(h),!h.injection)continue;let end=t0+(fault.at+(fault.duration??0)+fault.timeoutSeconds)*1e3;for(;ctx.clock.now()<end;){let read=await remote(planLoadRead(w.id,namespace,loadJob,"read")),records2=parseRequests(read.stdout),recordedUntil=records2.reduce((m2,r)=>Math.max(m2,r.end),0);if(measureLlmFault(records2,{injectedAt:h.injection.injectedAt,removedAt:h.removedAt,baselineSeconds:fault.baselineSeconds,windowEnd:Math.min(h.injection.injectedAt+(fault.duration??0)+fault.timeoutSeconds,recordedUntil),band:fault.slo.band}).recovered)break;await ctx.clock.sleep(OBSERVE_POLL_MS,ctx.signal)}}}catch(error){if(ctx.signal?.aborted||!(error instanceof RemoteScriptError))throw error;let why=describe2(error);for(let f of faults2.filter(f2=>!held.some(h=>h.fault===f2)))held.push({fault:f,error:why})}finally{stdout=await remote(planLoadRead(w.id,namespace,loadJob,"stop")).then(r=>r.stdout,()=>""),await remote(planServerDown(w,namespace)).catch(e=>ctx.log.warning(`${w.id}: stopping the server after the faults failed: ${describe2(e)}`))}let records=parseRequests(stdout),lastEnd=records.reduce((m,r)=>Math.max(m,r.end),0);return held.map(h=>{if(!h.injection)return toResult(w.id,h,void 0,void 0);let f=h.fault,windowEnd=Math.min(h.injection.injectedAt+(f.duration??0)+f.timeoutSeconds,lastEnd+1),m=measureLlmFault(records,{injectedAt:h.injection.injectedAt,removedAt:h.removedAt,baselineSeconds:f.baselineSeconds,windowEnd,band:f.slo.band});return toResult(w.id,h,m,{start:h.injection.injectedAt-f.baselineSeconds,end:windowEnd})})}async function trainingTimeline(remote,w,faults2,ctx){let namespace=ctx.namespace??WORKLOAD_NAMESPACE,seconds2=faultTimelineSeconds(faults2)+TAIL_SECONDS,plan=planResNet50(w,namespace,{runSeconds:seconds2}),job=remote(plan.script),held=[];job.catch(()=>{});let t0,startBy=ctx.clock.now()+w.timeoutMinutes*6e4;for(;t0===void 0&&ctx.clock.now()<startBy;){let read=await remote(planLoadRead(w.id,namespace,plan.jobName,"read"));if(parseProgress(read.stdout).length>0)t0=ctx.clock.now();else{if(markedJsonLines(read.stdout).at(-1)?.ended===!0)break;await ctx.clock.sleep(1e3,ctx.signal)}}if(t0===void 0){let out=await job.catch(e=>({stdout:"",stderr:describe2(e)}));return notRun(w.id,faults2,`the training job did not reach steady state${out.stderr?`: ${errorLine(out.stderr.trim().split(`
`).at(-1)??"")}`:""}`)}ctx.log.info(`${w.id}: training at steady state; faults at ${faults2.map(f=>`${f.id} +${f.at}s`).join(", ")}`);for(let fault of faults2){await sleepUntil(ctx,t0+fault.at*1e3);let target={namespace,selector:`job-name=${plan.jobName}`,timeoutSeconds:fault.timeoutSeconds,image:resnet50Image(w)};held.push(await holdFault(remote,fault,target,ctx))}let stdout;try{stdout=(await job).stdout}catch(error){if(ctx.signal?.aborted||!(error instanceof RemoteScriptError))throw error;stdout=error.result.stdout}let samples=parseProgress(stdout),lastT=samples.at(-1)?.t??0;return held.map(h=>{if(!h.injection)return toResult(w.id,h,void 0,void 0);let f=h.fault,windowEnd=Math.min(h.injection.injectedAt+(f.duration??0)+f.timeoutSeconds,lastT),m=measureTrainingFault(samples,{injectedAt:h.injection.injectedAt,removedAt:h.removedAt,baselineSeconds:f.baselineSeconds,windowEnd,band:f.slo.band},w.batchSize);return toResult(w.id,h,m,{start:h.injection.injectedAt-f.baselineSeconds,end:windowEnd})})}var probe_default=`#!/usr/bin/env bash
# First command on a new instance: proves the SSM channel and that the agent can upload command
# output to the evidence bucket (the TS side checks the S3 copy exists), and says what the host is.
set -euo pipefail
printf 'GPU_BENCH_JSON {"probe":"ok","kernel":"%s","os":"%s","uptime_s":%s}\\n' \\
  "$(uname -r)" \\
  "$( (. /etc/os-release 2>/dev/null && printf '%s' "\${PRETTY_NAME:-unknown}") || printf unknown)" \\
  "$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)"
`;function worstCaseUsd(perHourUsd,ttlMinutes){return perHourUsd*Math.max(60,ttlMinutes*60)/3600}var BudgetError=class extends Error{name="BudgetError"},usd=n=>`$${n.toFixed(2)}`,hourly=n=>`$${Number(n.toPrecision(6))}/h`;async function candidatesWithinBudget(passes,budget,priceOf){let kept=[],leftOut=[],cheapest,highestKept=0;for(let pass of passes){let fits=new Set;for(let type of new Set(pass.candidates.map(c=>c.instanceType))){let price=await priceOf(type,pass.market);if(!price){leftOut.push(`${pass.market} ${type}: no price known, so the budget could not be kept`);continue}let worst=worstCaseUsd(price.perHourUsd,budget.ttlMinutes);(!cheapest||worst<cheapest.worst)&&(cheapest={worst,perHour:price.perHourUsd});let line=`${pass.market} ${type}: ${hourly(price.perHourUsd)} (${price.source}) \xD7 ${budget.ttlMinutes} min = ${usd(worst)}`;worst>budget.maxCostUsd?leftOut.push(line):(fits.add(type),highestKept=Math.max(highestKept,worst))}let candidates=pass.candidates.filter(c=>fits.has(c.instanceType));candidates.length>0&&kept.push({market:pass.market,candidates})}if(kept.length===0){let fixes=[`raise 'max-cost-usd'${cheapest?` to at least ${usd(Math.ceil(cheapest.worst*100)/100)}`:""}`];if(cheapest){let minutes=Math.floor(budget.maxCostUsd/cheapest.perHour*60);minutes>=5&&fixes.push(`lower 'ttl-minutes' to ${minutes} or less`)}throw fixes.push("list a cheaper type in 'instance-types'"),new BudgetError(`'max-cost-usd' is ${usd(budget.maxCostUsd)}, but every candidate could cost more before 'ttl-minutes' (${budget.ttlMinutes}) ends it (price per hour \xD7 ttl-minutes):
${leftOut.map(l=>`  - ${l}`).join(`
`)}
Nothing was launched. To run: ${fixes.join(", or ")}.`)}return{passes:kept,leftOut,worstCaseUsd:highestKept}}var BudgetGuard=class{constructor(clock,maxCostUsd,perHourUsd,launchedAtMs){this.clock=clock;this.maxCostUsd=maxCostUsd;this.perHourUsd=perHourUsd;this.endsAt=launchedAtMs+maxCostUsd/perHourUsd*36e5}clock;maxCostUsd;perHourUsd;endsAt;reached(){return this.clock.now()>=this.endsAt}check(step){if(this.reached())throw new BudgetError(this.message(step))}message(step){return`'max-cost-usd' (${usd(this.maxCostUsd)}) was reached at ${new Date(this.endsAt).toISOString()} (${hourly(this.perHourUsd)}): the budget stopped the run before '${step}' finished and sent it to cleanup. Raise 'max-cost-usd' to run the whole suite.`}};var CleanupStack=class{constructor(log){this.log=log}log;tasks=[];running;push(name,fn){this.tasks.push({name,fn})}run(){return this.running??=(async()=>{let errors=[];for(;this.tasks.length>0;){let task=this.tasks.pop();try{await task.fn()}catch(error){let e=error instanceof Error?error:new Error(String(error));this.log.error(`Cleanup '${task.name}' failed: ${e.message}`),errors.push(e)}}return errors})(),this.running}};var DeadlineError=class extends Error{name="DeadlineError"},Deadline=class{constructor(clock,at,what="the run's deadline (ttl-minutes): raise 'ttl-minutes' or run less"){this.clock=clock;this.at=at;this.what=what}clock;at;what;remainingSeconds(){return Math.max(0,Math.floor((this.at-this.clock.now())/1e3))}timeout(step,wantedSeconds){let left=this.remainingSeconds();if(left<10)throw new DeadlineError(`No time left for '${step}' before ${this.what}.`);return Math.min(wantedSeconds,left)}};var PROBE_TIMEOUT_SECONDS=120,SPOT_INTERRUPTION="Server.SpotInstanceTermination";async function runBenchmark(plan,deps){let run=startRun(plan,deps),{log,signal}=run,cleanup=new CleanupStack(log);cleanup.push("terminate instance",()=>terminate(run));let current="plan",stage=async(name,fn)=>(signal.throwIfAborted(),run.budget?.check(name),current=name,log.group(name,fn)),step=(name,fn)=>stage(name,()=>run.phases.time(name,fn)),onNode,runError;try{plan.maxCostUsd!==void 0&&(run.passes=await step("budget check",()=>checkBudget(run,plan.maxCostUsd))),run.facts.image=await step("resolve image",()=>resolveRunImage(run)),run.phases.mark("launch requested"),run.facts.instance=await step("launch",()=>launch(run,run.facts.image)),await stage("price",()=>recordPrices(run,run.facts.instance)),await step("ssm agent online",()=>agentOnline(run,run.facts.instance)),onNode=nodeRemote(run,run.facts.instance);let node=onNode,kernel=await step("probe",()=>probe(run,node));run.facts.deadMan=await step("dead-man switch",()=>armSwitch(run,node)),run.facts.inventory=await stage("node bootstrap",()=>bootstrap(run,node,kernel));for(let workload of plan.suite.workloads){let result=await step(`workload ${workload.id}`,()=>runOneWorkload(run,node,workload));if(workload.faults.length>0){let measured=result.status==="ok"?await step(`faults ${workload.id}`,()=>runFaults(run,node,workload,cleanup)):{faults:skippedFaults(workload,`the workload ended ${result.status} before its fault timeline`)};run.facts.faults.push(...measured.faults),measured.metric&&result.metrics.push(measured.metric)}run.facts.workloads.push(result)}if(run.budget?.reached())throw new BudgetError(run.budget.message(current));run.facts.outcome=outcomeOfWorkloads(run.facts.workloads)}catch(error){runError=error instanceof Error?error:new Error(String(error)),!signal.aborted&&run.budget!==void 0&&(runError instanceof BudgetError||run.budget.reached())?(runError=new BudgetError(run.budget.message(current),{cause:runError}),run.facts.budget={...run.facts.budget,reachedAt:new Date(run.budget.endsAt).toISOString(),stoppedRun:!0}):signal.aborted||(runError=await spotInterruption(run,current)??runError),run.facts.outcome=signal.aborted?{status:"cancelled",failedPhase:current,message:"The run was cancelled; the instance was terminated."}:{status:"failed",failedPhase:current,message:errorLine(runError)},log.error(`${current}: ${runError.message}`)}if(run.facts.outcome.status==="failed"&&onNode&&!signal.aborted&&!run.facts.budget?.stoppedRun&&!run.facts.interrupted){let node=onNode;run.facts.diagnostics=await log.group("diagnostics",()=>run.phases.time("diagnostics",()=>diagnostics(run,node)))}let leak=(await cleanup.run()).find(e=>e instanceof CleanupError),fired=run.facts.deadManFired;fired&&run.facts.outcome.status!=="succeeded"&&(run.facts.outcome={...run.facts.outcome,message:`The instance's dead-man switch powered it off at its expiry ('ttl-minutes')${fired.at?` at ${fired.at}`:""}: ${run.facts.outcome.message??""}`}),run.facts.phases=run.phases.list(),run.facts.endedAt=new Date(run.clock.now());let results=assembleResults(plan,run.facts,deps.tool);if(leak)throw leak;return{results,instance:run.facts.instance,error:runError}}function startRun(plan,deps){let{clients,clock,log,signal}=deps;return{plan,clients,clock,log,signal,phases:new PhaseRecorder(clock),deadline:new Deadline(clock,plan.deadlineAt),state:new RunStateWriter(deps.state,plan.saved),passes:plan.launch.markets.map(market=>({market,candidates:plan.launch.candidates})),facts:{terminated:!1,phases:[],workloads:[],faults:[],outcome:{status:"succeeded"},endedAt:plan.startedAt}}}async function resolveRunImage(run){let image2=await resolveImage(run.clients.ec2,run.clients.ssm,run.plan.launch.ami);return run.log.info(`AMI ${image2.id}${image2.name?` (${image2.name})`:""}`),image2}async function checkBudget(run,maxCostUsd){let deps=priceDeps(run);run.facts.budget={maxCostUsd,stoppedRun:!1};let checked=await candidatesWithinBudget(run.passes,{maxCostUsd,ttlMinutes:run.plan.ttlMinutes},(type,market)=>priceFor(deps,type,market));for(let line of checked.leftOut)run.log.warning(`Over 'max-cost-usd' ($${maxCostUsd}), not tried: ${line}`);return run.facts.budget={maxCostUsd,worstCaseUsd:checked.worstCaseUsd,stoppedRun:!1},run.log.info(`Budget: $${maxCostUsd}; the dearest candidate left can cost $${checked.worstCaseUsd.toFixed(2)} in ${run.plan.ttlMinutes} min`),checked.passes}async function launch(run,image2){let refused=[];for(let[index,pass]of run.passes.entries())try{return await launchInMarket(run,image2,pass,index===0?run.plan.clientTokenBase:`${run.plan.clientTokenBase}-${pass.market}`)}catch(error){let last=index===run.passes.length-1;if(!(error instanceof NoCapacityError||error instanceof QuotaError))throw error;if(last)throw refused.length===0?error:new Error(`${refused.join(`
`)}
${pass.market}: ${error.message}`,{cause:error});refused.push(`${pass.market}: ${error.message}`),run.log.warning(`No ${pass.market} instance could be launched; trying ${run.passes[index+1].market} over every candidate.`)}throw new Error("no launch candidate")}async function launchInMarket(run,image2,pass,clientTokenBase2){let{plan,clients,state}=run,launched=await launchWithFallback({...plan.launch,candidates:pass.candidates,market:pass.market,image:image2,expiresAt:plan.expiresAt,tags:plan.tags,clientTokenBase:clientTokenBase2},{ec2:clients.ec2,ec2Launch:clients.ec2Launch,clock:run.clock,log:run.log,runningTimeoutSeconds:run.deadline.timeout("launch",plan.launch.startupTimeoutSeconds),onAttempt:clientToken=>state.update({launching:clientToken}),onLaunched:instance2=>{run.facts.instance=instance2,state.update({instanceId:instance2.id,launching:void 0})}}),{instance:_described,...instance}=launched;return instance}async function recordPrices(run,instance){let deps=priceDeps(run);run.facts.price=await priceFor(deps,instance.type,instance.market,instance.availabilityZone),instance.market==="spot"&&(run.facts.onDemandPrice=await onDemandPrice(deps,instance.type));let p=run.facts.price,maxCostUsd=run.plan.maxCostUsd;maxCostUsd!==void 0&&(p&&p.perHourUsd>0?(run.budget=new BudgetGuard(run.clock,maxCostUsd,p.perHourUsd,instance.launchedAt.getTime()),run.budget.endsAt<run.deadline.at&&(run.deadline=new Deadline(run.clock,run.budget.endsAt,`'max-cost-usd' ($${maxCostUsd}) is reached: raise 'max-cost-usd'`))):run.log.warning(`No price is known for ${instance.market} ${instance.type}: 'max-cost-usd' cannot be tracked during the run.`)),run.log.info(p?`Price: $${p.perHourUsd}/h for ${instance.market} ${instance.type} in ${instance.availabilityZone} (${p.source})`:`Price: unknown for ${instance.market} ${instance.type}`)}function priceDeps(run){return{pricing:run.clients.pricing,ec2:run.clients.ec2,region:run.plan.region,now:()=>new Date(run.clock.now()),warn:message=>run.log.warning(message)}}function agentOnline(run,instance){return waitForAgent(instance.id,{ssm:run.clients.ssm,ec2:run.clients.ec2,clock:run.clock,log:run.log,timeoutSeconds:run.deadline.timeout("ssm agent online",run.plan.launch.startupTimeoutSeconds),signal:run.signal})}function nodeRemote(run,instance){let remote=ssmRemote({ssm:run.clients.ssm,ec2:run.clients.ec2,s3:run.clients.s3,clock:run.clock,log:run.log,instanceId:instance.id,outputBucket:run.plan.evidence.bucket,outputPrefix:run.plan.evidence.ssmPrefix,signal:run.signal});return script=>remote({...script,timeoutSeconds:run.deadline.timeout(script.name,script.timeoutSeconds)})}async function probe(run,onNode){let result=await onNode({name:"probe",body:probe_default,timeoutSeconds:PROBE_TIMEOUT_SECONDS}),facts=markedJsonLines(result.stdout)[0];if(!facts){let{bucket,ssmPrefix}=run.plan.evidence;throw new Error(`The instance ran the probe but its output did not reach s3://${bucket}/${ssmPrefix}. Give the instance profile's role s3:PutObject on that bucket and prefix.`)}return facts.kernel}async function bootstrap(run,onNode,kernel){try{let node=await bootstrapNode(onNode,{k3sVersion:run.plan.node.k3sVersion,images:run.plan.node.images,clock:run.clock,log:run.log});for(let phase of node.phases)run.phases.record(phase);return{...node.inventory,kernel:node.inventory.kernel??kernel}}catch(error){if(error instanceof NodeBootstrapError)for(let phase of error.phases)run.phases.record(phase);throw error}}function runOneWorkload(run,onNode,workload){let gpu=run.facts.inventory?.gpus[0],{bucket,rawPrefix}=run.plan.evidence;return runWorkload(onNode,workload,{gpu:gpu&&{name:gpu.name,computeCapability:gpu.computeCapability,maxSmClockMHz:gpu.maxSmClockMHz},log:run.log,clock:run.clock,hfToken:run.plan.hfToken,telemetry:{intervalSeconds:run.plan.suite.telemetryIntervalSeconds,store:(id,csv)=>storeSamples(run,{bucket,key:joinKey(rawPrefix,"telemetry",`${id}.csv`)},csv)}})}function runFaults(run,onNode,workload,cleanup){let gpu=run.facts.inventory?.gpus[0];return runFaultScenarios(onNode,workload,{clock:run.clock,log:run.log,registerCleanup:(name,fn)=>cleanup.push(name,fn),gpu:gpu&&{name:gpu.name,computeCapability:gpu.computeCapability},hfToken:run.plan.hfToken,signal:run.signal})}async function storeSamples(run,loc,csv){try{return await putText(run.clients.s3,loc,csv),s3Uri(loc)}catch(error){run.log.warning(`Could not upload the GPU telemetry samples to ${s3Uri(loc)}: ${errorLine(error)}`);return}}function outcomeOfWorkloads(workloads){let failed=workloads.find(w=>w.status==="failed");return failed?{status:"failed",failedPhase:`workload ${failed.id}`,message:`${failed.id}: ${errorLine(failed.message??"failed")}`}:{status:"succeeded"}}async function diagnostics(run,onNode){let collected=await collectDiagnostics(onNode),loc={bucket:run.plan.evidence.bucket,key:run.plan.evidence.diagnosticsKey};return{uri:await putText(run.clients.s3,loc,collected.text).then(()=>!0,e=>(run.log.warning(`Could not upload diagnostics: ${errorLine(e)}`),!1))?s3Uri(loc):void 0,tail:collected.tail}}async function armSwitch(run,onNode){let armed=await armDeadManSwitch(onNode,run.plan.expiresAt);return run.log.info(`Dead-man switch armed: poweroff at ${armed.firesAt} (${armed.via}${armed.persistent?", re-armed at every boot":""})`+(armed.armedByUserData?"":"; user data had not armed it")),armed}async function spotInterruption(run,step){let instance=run.facts.instance;if(instance?.market!=="spot"||(await describeOne(run.clients.ec2,instance.id).catch(()=>{}))?.StateReason?.Code!==SPOT_INTERRUPTION)return;run.facts.interrupted=!0;let done=run.facts.workloads.length;return new Error(`Spot interruption (${SPOT_INTERRUPTION}): AWS reclaimed spot instance ${instance.id} (${instance.type}, ${instance.availabilityZone}) during '${step}'. The results keep the ${done} workload(s) that finished. Re-run, or use market-type spot-then-on-demand or on-demand.`)}async function terminate(run){await run.log.group("terminate",()=>run.phases.time("terminate",async()=>{run.facts.instance&&(run.facts.deadManFired=await deadManFired(run.clients.ec2,run.facts.instance.id));let ids=new Set;run.facts.instance&&ids.add(run.facts.instance.id);for(let i of await findLiveByTags(run.clients.ec2,run.plan.runTags).catch(()=>[]))i.InstanceId&&ids.add(i.InstanceId);await terminateAndConfirm(run.clients.ec2,[...ids],run.clock,run.log),run.facts.terminated=!0,run.state.update({terminated:!0})}))}function insideWorkspace(workspace,path,input){let root=existsSync(workspace)?realpathSync(workspace):resolve2(workspace),full=resolve2(root,path),real=existsSync(full)?realpathSync(full):full,rel=relative(root,real);if(isAbsolute(path)||rel===""||rel===".."||rel.startsWith(`..${sep}`)||isAbsolute(rel))throw new InputError([`'${input}' names '${path}', which is outside the workspace ${root}; give a path of a file inside the repository`]);return real}function suiteFor(settings,workspace){let text;if(settings.suitePath){let path=insideWorkspace(workspace,settings.suitePath,Inputs.suite);try{text=readFileSync(path,"utf8")}catch(error){throw new InputError([`'${Inputs.suite}' names '${settings.suitePath}', which cannot be read (${error.code??String(error)}); give a path relative to the repository root`])}}return loadSuite(text,{epochs:settings.epochs,batchSize:settings.batchSize},{source:settings.suitePath})}async function executeRun(settings,rt){let suite=suiteFor(settings,rt.workspace),baselineFile=settings.baselineFile?insideWorkspace(rt.workspace,settings.baselineFile,Inputs.baselineFile):void 0;settings.hfToken&&suite.workloads.some(w=>w.kind==="llm-serving")&&rt.log.warning("'hf-token' reaches the instance inside the SSM command's parameters: it never appears in this log, the evidence or a process list, but principals allowed ssm:ListCommands in this AWS account can read it. Use a token scoped to read the models you benchmark.");let plan=planRun(settings,suite,{...rt.identity,stack:settings.stack},new Date(rt.clock.now())),clients=clientsFor(settings,plan.sessionName,rt.idToken,rt.log,rt.env,TOOL.version);try{await checkCredentials(clients.ec2),settings.roleToAssume||await checkCredentialsOutlastRun(()=>clients.ec2.config.credentials(),{now:rt.clock.now(),ttlMinutes:settings.ttlMinutes},rt.log);let report2=await runBenchmark(plan,{clients,clock:rt.clock,log:rt.log,state:rt.state,signal:rt.signal,tool:TOOL});report2.instance&&(rt.setOutput(Outputs.instanceId,report2.instance.id),rt.setOutput(Outputs.instanceType,report2.instance.type),rt.setOutput(Outputs.availabilityZone,report2.instance.availabilityZone));let evidence=await rt.log.group("evidence",()=>publishEvidence({results:report2.results,history:{s3:clients.s3,bucket:settings.evidenceBucket,prefix:settings.evidencePrefix},baseline:{runs:settings.baselineRuns,thresholdPercent:settings.regressionThresholdPercent,file:baselineFile},outDir:rt.outDir,retentionDays:settings.retentionDays,publisher:rt.publisher,log:rt.log,secrets:rt.secrets(),failOnRegression:settings.failOnRegression,clock:rt.clock}));return rt.setOutput(Outputs.verdict,evidence.verdict.kind),rt.setOutput(Outputs.headline,JSON.stringify(evidence.headline)),rt.setOutput(Outputs.evidencePath,evidence.evidencePath),rt.setOutput(Outputs.resultsPath,evidence.resultsPath),evidence.s3&&rt.setOutput(Outputs.evidenceS3Uri,evidence.s3.evidence),rt.log.info(`Verdict: ${evidence.verdict.kind}: ${evidence.verdict.reason}`),{failed:report2.error?.message??evidence.failure}}finally{destroyClients(clients)}}async function executeSweep(settings,rt){let sessionName=settings.roleSessionName??sessionNameFor(`sweep-${rt.identity.runId}`,rt.identity.attempt),ids=[],failures=[];for(let[index,region]of settings.regions.entries()){let clients=clientsFor({...settings,region},sessionName,rt.idToken,rt.log,rt.env,TOOL.version);index===0&&await checkCredentials(clients.ec2).catch(error=>{throw destroyClients(clients),error});try{let outcome=await rt.log.group(`sweep ${region}`,()=>sweepExpired({ec2:clients.ec2,clock:rt.clock,log:rt.log},settings.dryRun,settings.stack));ids.push(...settings.dryRun?outcome.expired.map(e=>e.id):outcome.terminated),failures.push(...outcome.failed.map(f=>`${f.id} in ${region} (${f.reason})`))}catch(error){rt.log.error(`Could not sweep ${region}: ${errorLine(error)}`),failures.push(`region ${region} (${errorLine(error)})`)}finally{destroyClients(clients)}}if(rt.setOutput(Outputs.sweptInstances,ids.join(",")),rt.log.info(`${settings.dryRun?"Would terminate":"Terminated"} ${ids.length} expired instance(s) in ${settings.regions.join(", ")}.`),failures.length>0)throw new CleanupError(`The sweep could not terminate: ${failures.join("; ")}. Terminate them in the EC2 console (tag ${MANAGED_BY.key}=${MANAGED_BY.value}); the next sweep retries.`)}var CANCEL_SIGNALS=["SIGINT","SIGTERM","SIGHUP","SIGQUIT"];function onCancel(controller,log){let handle=signal=>{controller.signal.aborted?log.warning(`Received ${signal} again: still terminating the instance.`):(log.warning(`Received ${signal}: cancelling the run and terminating the instance.`),controller.abort(new Error(`Cancelled by ${signal}`)))};for(let signal of CANCEL_SIGNALS)process.on(signal,handle)}export{require_dist,executeRun,executeSweep,onCancel};
